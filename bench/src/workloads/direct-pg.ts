/**
 * direct-pg: `direct` on PostgreSQL (a database created for the run and dropped after),
 * with synchronous_commit on (the server default): acknowledged means committed to the WAL.
 * Its floor is the PostgreSQL twin of the durable floor.
 */
import { missingServices } from '../targets/services';
import type { BenchResult } from '../core/result';
import { runDirectVariant } from './direct';
import type { RunContext } from './context';

export async function directPg(ctx: RunContext): Promise<BenchResult[]> {
  const skip = await missingServices({ postgres: true });
  if (skip) {
    ctx.log(`SKIPPED direct-pg: ${skip}`);
    return [];
  }
  return runDirectVariant(ctx, 'direct-pg', 'postgres', 0.5, false);
}
