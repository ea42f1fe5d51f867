/**
 * direct: 50 pairs online, each user sending 100-byte messages to the other in their
 * direct conversation. Durable: Parley acknowledges after commit (embedded SQLite with
 * synchronous=FULL, or PostgreSQL with synchronous_commit on). Three targets in turn:
 * the relay (ceiling), the durable floor of the same storage, Parley. Saturation by
 * stepping the offered rate, then latency at 50 % of it.
 */
import type { Generators } from '../core/generators';
import { countedColumns, PhaseRunner, totals, type PhaseOutcome, type Sender } from '../core/measure';
import { latencyOf, type BenchResult } from '../core/result';
import { findSaturation } from '../core/saturation';
import { connectionsByConversation, pairs, type Population } from '../targets/population';
import { startParley } from '../targets/parley-target';
import { startRelay } from '../targets/relay-target';
import { startFloor } from '../targets/floor-target';
import type { Target } from '../targets/target';
import { inTurn, ratio, withTarget, type RunContext } from './context';

export const MESSAGE_BYTES = 100;

export function pairSenders(p: Population, target: Target): Sender[] {
  return connectionsByConversation(p).flatMap((conns, k) => conns.map((client) => ({ client, conversationId: target.conversationIds[k]!, recipients: conns.length - 1 })));
}

export interface DirectSizes {
  pairs: number;
  stepSeconds: number;
  maxSteps: number;
  startRate: number;
  measureSeconds: number;
}

export function directSizes(ctx: RunContext): DirectSizes {
  return ctx.scale === 'smoke'
    ? { pairs: 5, stepSeconds: 0.5, maxSteps: 1, startRate: 200, measureSeconds: 0.5 }
    : { pairs: 50, stepSeconds: 1.5, maxSteps: 8, startRate: 1000, measureSeconds: 4 };
}

export interface DirectMeasurement {
  maxMessages: number;
  steps: PhaseOutcome[];
  atHalf: PhaseOutcome;
}

/** Saturation search, then a run at half of it. */
export async function measureDirect(ctx: RunContext, target: Target, gens: Generators, p: Population, s: DirectSizes, throughRate?: number): Promise<DirectMeasurement> {
  const senders = pairSenders(p, target);
  const runner = new PhaseRunner(gens, target.serverPids);
  if (ctx.scale !== 'smoke') await runner.run(runner.plan(senders, Math.min(500, s.startRate), 0.5, MESSAGE_BYTES), senders); // warm-up (JIT, caches)
  const sat = await findSaturation(runner, senders, { startRate: s.startRate, stepSeconds: s.stepSeconds, maxSteps: s.maxSteps, size: MESSAGE_BYTES, log: ctx.log, label: target.name, ...(throughRate ? { throughRate } : {}) });
  const half = Math.max(1, sat.maxMessages / 2);
  const atHalf = await runner.run(runner.plan(senders, half, s.measureSeconds, MESSAGE_BYTES), senders);
  ctx.log(`${target.name}: at 50 % (${Math.round(half)} msg/s) p99 ${atHalf.hist.quantileMs(0.99).toFixed(2)} ms`);
  return { maxMessages: sat.maxMessages, steps: sat.steps, atHalf };
}

export function directRow(workload: string, target: Target, m: DirectMeasurement, goal: string): BenchResult {
  const t = totals([...m.steps, m.atHalf]);
  return {
    workload,
    target: target.name,
    throughput: m.maxMessages,
    unit: 'msg/s',
    latencyMs: latencyOf(m.atHalf.hist),
    ...countedColumns(t, m.atHalf),
    ratio: null,
    goal,
    pass: null,
    notes: {
      latencyAt: `50% of max (${Math.round(m.atHalf.offeredRate)} msg/s)`,
      maxStepCpuPct: Math.round(Math.max(...m.steps.map((x) => x.cpuPct))),
      // Server CPU (all threads) per message at 50 %, where the target keeps up.
      cpuUsPerMsgAtHalf: Math.round((m.atHalf.cpuPct / 100) * (1e6 / Math.max(1, m.atHalf.offeredRate))),
      ...(Object.keys(t.errors).length ? { errors: JSON.stringify(t.errors) } : {}),
    },
  };
}

export async function runDirectVariant(ctx: RunContext, workload: string, database: 'sqlite' | 'postgres', goalFloorRatio: number, withLatencyGoal: boolean): Promise<BenchResult[]> {
  const s = directSizes(ctx);
  const p = pairs(s.pairs);
  const name = database === 'postgres' ? 'parley-pg' : 'parley';
  const measured = (start: () => Promise<Target>) => () => withTarget(ctx, start, async (t, g) => directRow(workload, t, await measureDirect(ctx, t, g, p, s), ''));
  const rows = await inTurn(ctx, [
    ...(ctx.skipRelay ? [] : [measured(() => startRelay(p))]),
    measured(() => startFloor(p, database)),
    measured(() => startParley(p, { name, database, profileDir: ctx.profileDir, log: ctx.log })),
  ]);
  const parley = rows.pop()!;
  const floor = rows.pop()!;
  const relay = rows.pop() ?? null;
  for (const r of [relay, floor, parley]) if (r) ctx.directMax.set(`${workload}:${r.target}`, r.throughput ?? 0);
  floor.ratio = ratio(floor.throughput, relay?.throughput ?? null);
  floor.goal = 'durable floor';
  parley.ratio = ratio(parley.throughput, relay?.throughput ?? null);
  parley.floorRatio = ratio(parley.throughput, floor.throughput);
  const p99 = parley.latencyMs?.p99 ?? Infinity;
  parley.goal = `>= ${goalFloorRatio}x ${floor.target}${withLatencyGoal ? '; p99 <= 50 ms at 50%' : ''}`;
  parley.pass = (parley.floorRatio ?? 0) >= goalFloorRatio && (!withLatencyGoal || p99 <= 50) && parley.lost === 0 && parley.duplicated === 0;
  if (!relay) return [floor, parley];
  relay.goal = 'ceiling';
  return [relay, floor, parley];
}

export const direct = (ctx: RunContext) => runDirectVariant(ctx, 'direct', 'sqlite', 0.5, true);
