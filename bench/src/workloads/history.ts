/**
 * history: the latest 50 messages and a page back from a random point, in a
 * conversation of 1,000,000 messages (--history-messages N for another size; the seed
 * writes rows in SQL with the store's own schema, history-seed.ts), read over HTTP at
 * a fixed open-loop rate twice: while `direct` runs alongside at a fixed 1,000 msg/s
 * (PARLEY_BENCH_HISTORY_DIRECT to change it), so both targets carry the same known
 * load, and alone. The relay's ceiling is a prebuilt page of the same size served by
 * the same process while it relays the same traffic.
 */
import { Histogram, nowUs } from '../core/histogram';
import { countedColumns, PhaseRunner, totals, type PhaseOutcome } from '../core/measure';
import { cpuPercent, sampleAll } from '../core/proc-stats';
import { latencyOf, mb, type BenchResult } from '../core/result';
import type { Generators } from '../core/generators';
import { pairs, type Population } from '../targets/population';
import { startParley, type ParleyTarget } from '../targets/parley-target';
import { startRelay } from '../targets/relay-target';
import type { Target } from '../targets/target';
import type { HistoryReply } from '../worker/protocol';
import { MESSAGE_BYTES, pairSenders } from './direct';
import { ratio, relayThenParley, withTarget, type RunContext } from './context';

export const HISTORY_MESSAGES = 1_000_000;
const DIRECT_ALONGSIDE = 1_000;

/** Issue 19: p99 <= 3 ms at 1 M messages, <= 5 ms at 10 M. */
const p99GoalMs = (messages: number) => (messages > HISTORY_MESSAGES ? 5 : 3);

interface Sizes {
  messages: number;
  seconds: number;
  readRate: number;
  directRate: number;
}

function sizes(ctx: RunContext): Sizes {
  const alongside = Number(process.env.PARLEY_BENCH_HISTORY_DIRECT ?? '');
  return ctx.scale === 'smoke'
    ? { messages: 5_000, seconds: 1, readRate: 50, directRate: 100 }
    : { messages: ctx.historyMessages ?? HISTORY_MESSAGES, seconds: 6, readRate: 200, directRate: alongside > 0 ? alongside : DIRECT_ALONGSIDE };
}

function readPlan(target: Target, lastSeq: number, s: Sizes, phase: number, startUs: number) {
  return {
    phase,
    baseUrl: target.httpUrl,
    token: target.kind === 'parley' ? target.tokenOf(0) : '',
    conversationId: target.kind === 'parley' ? target.conversationIds[0]! : 'page',
    lastSeq: Math.max(1, lastSeq),
    rate: s.readRate,
    count: s.readRate * s.seconds,
    startUs,
  };
}

function row(workload: string, target: Target, r: HistoryReply, s: Sizes, lastSeq: number, counted: Pick<BenchResult, 'sent' | 'delivered' | 'lost' | 'duplicated' | 'serverCpuPct' | 'serverRssMb'>, notes: BenchResult['notes']): BenchResult {
  return {
    workload,
    target: target.name,
    throughput: r.ok / s.seconds,
    unit: 'req/s',
    latencyMs: latencyOf(Histogram.from(r.hist)),
    ...counted,
    ratio: null,
    goal: 'ceiling',
    pass: null,
    notes: { conversationMessages: lastSeq, readsOk: r.ok, readsFailed: r.failed, ...notes },
  };
}

async function measure(ctx: RunContext, p: Population, target: Target, gens: Generators, lastSeq: number, seedSeconds: number): Promise<BenchResult[]> {
  const s = sizes(ctx);
  const senders = pairSenders(p, target);
  const runner = new PhaseRunner(gens, target.serverPids);
  const seed: BenchResult['notes'] = seedSeconds > 0 ? { seedSeconds: Math.round(seedSeconds * 10) / 10 } : {};
  if (ctx.scale !== 'smoke') await runner.run(runner.plan(senders, Math.min(500, s.directRate), 0.5, MESSAGE_BYTES), senders); // warm-up (JIT, caches)

  // Alone: reads only.
  const aloneStart = nowUs() + 300_000;
  const before = sampleAll(target.serverPids);
  const alone = await gens.history(readPlan(target, lastSeq, s, 0, aloneStart));
  const after = sampleAll(target.serverPids);
  const aloneRow = row('history-alone', target, alone, s, lastSeq, { sent: 0, delivered: 0, lost: 0, duplicated: 0, serverCpuPct: cpuPercent(before, after), serverRssMb: mb(after.rssBytes) }, seed);

  // Alongside direct at a fixed rate.
  const plan = runner.plan(senders, s.directRate, s.seconds, MESSAGE_BYTES, 500);
  let reads: HistoryReply | null = null;
  const out: PhaseOutcome = await runner.run(plan, senders, {
    during: async () => {
      reads = await gens.history(readPlan(target, lastSeq, s, plan.phase, plan.startUs));
    },
  });
  const alongRow = row('history', target, reads!, s, lastSeq, countedColumns(totals([out]), out), {
    ...seed,
    directAlongside: `${Math.round(out.offeredRate)} msg/s`,
    directP99Ms: Math.round(out.hist.quantileMs(0.99) * 100) / 100,
  });
  ctx.log(`${target.name}: history p99 ${alongRow.latencyMs?.p99.toFixed(2)} ms with direct at ${Math.round(out.offeredRate)} msg/s, ${aloneRow.latencyMs?.p99.toFixed(2)} ms alone`);
  return [alongRow, aloneRow];
}

export async function history(ctx: RunContext): Promise<BenchResult[]> {
  const s = sizes(ctx);
  const p = pairs(ctx.scale === 'smoke' ? 5 : 50);
  let lastSeq = 0;
  let seedSeconds = 0;
  const [relay, parley] = await relayThenParley(
    ctx,
    () => withTarget(ctx, () => startRelay(p), (t, g) => measure(ctx, p, t, g, s.messages, 0), { reader: true }),
    () =>
      withTarget(
        ctx,
        async () => {
          const t: ParleyTarget = await startParley(p, { profileDir: ctx.profileDir, log: ctx.log, historyMessages: s.messages });
          lastSeq = t.historyLastSeq;
          seedSeconds = t.historySeedSeconds;
          return t;
        },
        (t, g) => measure(ctx, p, t, g, lastSeq, seedSeconds),
        { reader: true },
      ),
  );
  const goal = p99GoalMs(s.messages);
  parley.forEach((r, i) => {
    const p99 = r.latencyMs?.p99 ?? Infinity;
    r.ratio = ratio(p99, relay?.[i]?.latencyMs?.p99 ?? null);
    r.goal = `read p99 <= ${goal} ms (x relay = p99 / relay p99)`;
    r.pass = p99 <= goal && r.notes.readsFailed === 0 && r.lost === 0 && r.duplicated === 0;
  });
  return relay ? [relay[0]!, parley[0]!, relay[1]!, parley[1]!] : parley;
}
