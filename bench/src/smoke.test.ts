/**
 * Every workload at a tiny size, relay and Parley side by side: a correctness check of
 * the harness and of Parley's delivery guarantees under it (0 lost, 0 duplicated),
 * never a timing assertion. PostgreSQL / Redis workloads skip visibly when those are
 * unreachable, unless PARLEY_REQUIRE_SERVICES=1.
 */
import { describe, expect, it } from 'vitest';
import { WORKLOADS } from './workloads';
import type { RunContext } from './workloads/context';
import { missingServices, postgresReachable, redisReachable } from './targets/services';

/** The relay runs in `direct` only: elsewhere it would double the processes and prove nothing about Parley. */
function smokeContext(name: string): RunContext {
  return { scale: 'smoke', workers: 1, profileDir: null, log: () => {}, directMax: new Map(), skipRelay: name !== 'direct' };
}

const needs: Record<string, { postgres?: boolean; redis?: boolean }> = {
  'direct-pg': { postgres: true },
  'scale-out': { postgres: true, redis: true },
};

const pgUp = await postgresReachable();
const redisUp = await redisReachable();

describe('bench smoke: every workload, tiny, 0 lost and 0 duplicated', () => {
  for (const name of Object.keys(WORKLOADS)) {
    const need = needs[name] ?? {};
    const down = (need.postgres && !pgUp) || (need.redis && !redisUp);
    const required = process.env.PARLEY_REQUIRE_SERVICES === '1';
    it.skipIf(Boolean(down) && !required)(`${name}${down ? ' (skipped: PostgreSQL/Redis unreachable)' : ''}`, { timeout: 300_000 }, async () => {
      expect(await missingServices(need)).toBeNull();
      const rows = await WORKLOADS[name]!(smokeContext(name));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        // The relay has no storage: what it forwards to a dropped socket in storm is gone by design.
        if (r.target === 'relay' && name === 'storm') continue;
        expect({ target: r.target, workload: r.workload, lost: r.lost, duplicated: r.duplicated }).toEqual({ target: r.target, workload: r.workload, lost: 0, duplicated: 0 });
        // idle and history-alone send no messages by design.
        expect(r.sent).toBeGreaterThan(name === 'idle' || r.workload === 'history-alone' ? -1 : 0);
      }
    });
  }
});
