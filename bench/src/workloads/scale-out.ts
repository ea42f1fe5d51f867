/**
 * scale-out: the `direct` load on two Parley nodes sharing PostgreSQL and Redis, each
 * pair split across the nodes (every message crosses the Redis bus), against one node
 * on the same PostgreSQL with its in-process bus. Goal: two nodes >= 0.8x one node.
 * "Same load": the two-node search offers at least every rate the one-node search did.
 * The relay row is the same-run ceiling (reused from `direct` when it ran first).
 */
import { missingServices } from '../targets/services';
import { pairs } from '../targets/population';
import { startParley } from '../targets/parley-target';
import { startRelay } from '../targets/relay-target';
import type { BenchResult } from '../core/result';
import { directRow, directSizes, measureDirect } from './direct';
import { ratio, withTarget, type RunContext } from './context';

const GOAL = 0.8;

export async function scaleOut(ctx: RunContext): Promise<BenchResult[]> {
  const skip = await missingServices({ postgres: true, redis: true });
  if (skip) {
    ctx.log(`SKIPPED scale-out: ${skip}`);
    return [];
  }
  const s = directSizes(ctx);
  const p = pairs(s.pairs);
  const knownRelay = ctx.directMax.get('direct:relay');
  // The highest rate the one-node search offered (its last step).
  let oneNodeLastRate: number | undefined;
  const runs: (() => Promise<BenchResult>)[] = [
    () =>
      withTarget(
        ctx,
        () => startParley(p, { name: 'parley-pg-1node', database: 'postgres', profileDir: ctx.profileDir, log: ctx.log }),
        async (t, g) => {
          const m = await measureDirect(ctx, t, g, p, s);
          const last = m.steps.at(-1)?.offeredRate;
          // A sum over senders of a split rate: round so the same doubling matches it exactly.
          oneNodeLastRate = last === undefined ? undefined : Math.round(last);
          return directRow('scale-out', t, m, '');
        },
      ),
    () =>
      withTarget(
        ctx,
        () => startParley(p, { name: 'parley-pg-2nodes-redis', database: 'postgres', nodes: 2, redis: true, profileDir: ctx.profileDir, log: ctx.log }),
        async (t, g) => directRow('scale-out', t, await measureDirect(ctx, t, g, p, s, oneNodeLastRate), ''),
      ),
  ];
  if (ctx.scale === 'smoke') runs.shift(); // the two-node path is the one to check for loss
  if (knownRelay === undefined && !ctx.skipRelay) {
    runs.unshift(() => withTarget(ctx, () => startRelay(p), async (t, g) => directRow('scale-out', t, await measureDirect(ctx, t, g, p, s), 'ceiling')));
  }
  // One after the other so each has the machine to itself; side by side only in smoke runs.
  const rows: BenchResult[] = [];
  if (ctx.scale === 'smoke') rows.push(...(await Promise.all(runs.map((r) => r()))));
  else for (const r of runs) rows.push(await r());
  if (ctx.scale === 'smoke') return rows;
  const relayMax = knownRelay ?? (ctx.skipRelay ? null : rows[0]!.throughput);
  const [one, two] = rows.slice(-2) as [BenchResult, BenchResult];
  one.ratio = ratio(one.throughput, relayMax);
  one.goal = 'baseline (ratio = x relay)';
  const vsOne = ratio(two.throughput, one.throughput);
  two.ratio = ratio(two.throughput, relayMax);
  two.goal = `>= ${GOAL}x one node (ratio = x relay)`;
  two.notes.vsOneNode = Math.round((vsOne ?? 0) * 1000) / 1000;
  two.pass = (vsOne ?? 0) >= GOAL && two.lost === 0 && two.duplicated === 0;
  return rows;
}
