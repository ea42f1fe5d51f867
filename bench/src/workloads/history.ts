/**
 * history: the latest 50 messages and a page back from a random point, in a
 * conversation of 1,000,000 messages (seeded through the store's appendMessages in
 * large batches, not through the API), read over HTTP at a fixed open-loop rate while
 * `direct` runs at half its saturation rate (or at PARLEY_BENCH_HISTORY_DIRECT msg/s).
 * The relay's ceiling is a prebuilt page of the same size served by the same process
 * while it relays the same traffic.
 */
import { Histogram } from '../core/histogram';
import { countedColumns, PhaseRunner, totals } from '../core/measure';
import { latencyOf, type BenchResult } from '../core/result';
import { findSaturation } from '../core/saturation';
import { pairs, type Population } from '../targets/population';
import { startParley, type ParleyTarget } from '../targets/parley-target';
import { startRelay } from '../targets/relay-target';
import type { Target } from '../targets/target';
import type { Generators } from '../core/generators';
import type { HistoryReply } from '../worker/protocol';
import { nowUs } from '../core/histogram';
import { directSizes, MESSAGE_BYTES, pairSenders } from './direct';
import { ratio, relayThenParley, withTarget, type RunContext } from './context';

const P99_GOAL_MS = 3;

async function measure(ctx: RunContext, p: Population, target: Target, gens: Generators, lastSeq: number): Promise<BenchResult> {
  const smoke = ctx.scale === 'smoke';
  const senders = pairSenders(p, target);
  const runner = new PhaseRunner(gens, target.serverPids);
  // PARLEY_BENCH_HISTORY_DIRECT: run direct alongside at this many msg/s instead of half
  // of its saturation rate (read latency against a known load, the same for both targets).
  const alongside = Number(process.env.PARLEY_BENCH_HISTORY_DIRECT ?? '');
  let max = alongside > 0 ? 2 * alongside : (ctx.directMax.get(`direct:${target.name}`) ?? (smoke ? 200 : undefined));
  if (!max) {
    const s = directSizes(ctx);
    max = (await findSaturation(runner, senders, { startRate: s.startRate, stepSeconds: s.stepSeconds, maxSteps: s.maxSteps, size: MESSAGE_BYTES, log: ctx.log, label: `${target.name} history (direct max)` })).maxMessages;
  }
  const seconds = smoke ? 1 : 6;
  const readRate = smoke ? 50 : 200;
  const plan = runner.plan(senders, Math.max(1, max / 2), seconds, MESSAGE_BYTES, 500);
  let reads: HistoryReply | null = null;
  const path = target.kind === 'parley' ? target.httpUrl : `${target.httpUrl}`;
  const out = await runner.run(plan, senders, {
    during: async () => {
      reads = await gens.history({
        phase: plan.phase,
        baseUrl: path,
        token: target.kind === 'parley' ? target.tokenOf(0) : '',
        conversationId: target.kind === 'parley' ? target.conversationIds[0]! : 'page',
        lastSeq: Math.max(1, lastSeq),
        rate: readRate,
        count: readRate * seconds,
        startUs: plan.startUs,
      });
    },
  });
  const r = reads as HistoryReply | null;
  const hist = r ? Histogram.from(r.hist) : new Histogram();
  const t = totals([out]);
  return {
    workload: 'history',
    target: target.name,
    throughput: r ? r.ok / seconds : 0,
    unit: 'req/s',
    latencyMs: latencyOf(hist),
    ...countedColumns(t, out),
    ratio: null,
    goal: 'ceiling',
    pass: null,
    notes: {
      conversationMessages: lastSeq,
      readsOk: r?.ok ?? 0,
      readsFailed: r?.failed ?? 0,
      directAlongside: `${Math.round(plan.senders.reduce((s, x) => s + x.rate, 0))} msg/s`,
      directP99Ms: Math.round(out.hist.quantileMs(0.99) * 100) / 100,
      measuredAtUs: nowUs(),
    },
  };
}

export async function history(ctx: RunContext): Promise<BenchResult[]> {
  const smoke = ctx.scale === 'smoke';
  const p = pairs(smoke ? 5 : 50);
  const messages = smoke ? 5_000 : 1_000_000;
  let lastSeq = 0;
  const [relay, parley] = await relayThenParley(
    ctx,
    () => withTarget(ctx, () => startRelay(p), (t, g) => measure(ctx, p, t, g, messages), { reader: true }),
    () =>
      withTarget(
        ctx,
        async () => {
          const t: ParleyTarget = await startParley(p, { profileDir: ctx.profileDir, log: ctx.log, historyMessages: messages });
          lastSeq = t.historyLastSeq;
          return t;
        },
        (t, g) => measure(ctx, p, t, g, lastSeq),
        { reader: true },
      ),
  );
  const p99 = parley.latencyMs?.p99 ?? Infinity;
  parley.ratio = ratio(p99, relay?.latencyMs?.p99 ?? null);
  parley.goal = `read p99 <= ${P99_GOAL_MS} ms (ratio = p99 / relay p99)`;
  parley.pass = p99 <= P99_GOAL_MS && parley.notes.readsFailed === 0 && parley.lost === 0 && parley.duplicated === 0;
  return relay ? [relay, parley] : [parley];
}
