/**
 * storm: 5,000 clients (2,500 direct pairs) online, traffic flowing in 250 of the
 * pairs; a few seconds in, every socket is cut at once (terminate, as a network drop)
 * and every client reconnects immediately and catches up (sync after the seqs it
 * holds) while traffic continues. Senders keep their unacknowledged sends and resend
 * them with the same clientMessageId. Goal: everyone back and caught up within 15 s,
 * with 0 lost and 0 duplicated. The relay has no storage: what it forwards to a
 * dropped socket is gone, so its "lost" is expected and only its reconnect time is a
 * ceiling.
 */
import { countedColumns, PhaseRunner, totals, type Sender } from '../core/measure';
import { latencyOf, round, type BenchResult } from '../core/result';
import { sleep } from '../core/spawn';
import type { Generators } from '../core/generators';
import { connectionsByConversation, pairs, type Population } from '../targets/population';
import { startParley } from '../targets/parley-target';
import { startRelay } from '../targets/relay-target';
import type { Target } from '../targets/target';
import type { DropReply } from '../worker/protocol';
import { MESSAGE_BYTES } from './direct';
import { ratio, relayThenParley, withTarget, type RunContext } from './context';

const GOAL_S = 15;

interface StormSizes {
  pairs: number;
  activePairs: number;
  rate: number;
  seconds: number;
  dropAfterMs: number;
}

function sizes(ctx: RunContext): StormSizes {
  return ctx.scale === 'smoke'
    ? { pairs: 50, activePairs: 10, rate: 100, seconds: 3, dropAfterMs: 1000 }
    : { pairs: 2500, activePairs: 250, rate: 500, seconds: 12, dropAfterMs: 3000 };
}

async function measure(ctx: RunContext, p: Population, s: StormSizes, target: Target, gens: Generators): Promise<BenchResult> {
  const senders: Sender[] = connectionsByConversation(p)
    .slice(0, s.activePairs)
    .flatMap((conns, k) => conns.map((client) => ({ client, conversationId: target.conversationIds[k]!, recipients: conns.length - 1 })));
  const runner = new PhaseRunner(gens, target.serverPids);
  if (ctx.scale !== 'smoke') await runner.run(runner.plan(senders, s.rate, 1, MESSAGE_BYTES), senders); // warm-up
  const plan = runner.plan(senders, s.rate, s.seconds, MESSAGE_BYTES);
  let drops: DropReply[] = [];
  const out = await runner.run(plan, senders, {
    maxDrainMs: 60_000,
    stallMs: 5_000,
    during: async () => {
      await sleep(s.dropAfterMs + (plan.startUs / 1000 - Date.now()));
      ctx.log(`${target.name}: dropping ${p.connections.length} sockets`);
      drops = await gens.drop(ctx.scale === 'smoke' ? 50 : 500);
    },
  });
  const dropUs = Math.min(...drops.map((d) => d.dropUs));
  const recoveredS = (Math.max(...drops.map((d) => d.caughtUpUs)) - dropUs) / 1e6;
  const failed = drops.reduce((n, d) => n + d.failed, 0);
  ctx.log(`${target.name}: all ${p.connections.length - failed} back and caught up ${recoveredS.toFixed(2)} s after the drop (${failed} failed)`);
  const t = totals([out]);
  return {
    workload: 'storm',
    target: target.name,
    throughput: recoveredS,
    unit: 's to recover',
    latencyMs: latencyOf(out.hist),
    ...countedColumns(t, out),
    ratio: null,
    goal: 'ceiling (no storage: drops lose)',
    pass: null,
    notes: {
      clients: p.connections.length,
      reconnectFailed: failed,
      redeliveredDroppedBySeq: out.redelivered,
      acks: out.acks,
      trafficMsgPerS: s.rate,
      recoveredS: round(recoveredS, 2),
      ...(Object.keys(t.errors).length ? { errors: JSON.stringify(t.errors) } : {}),
    },
  };
}

export async function storm(ctx: RunContext): Promise<BenchResult[]> {
  const s = sizes(ctx);
  const p = pairs(s.pairs);
  const concurrency = ctx.scale === 'smoke' ? 50 : 500;
  const [relay, parley] = await relayThenParley(
    ctx,
    () => withTarget(ctx, () => startRelay(p), (t, g) => measure(ctx, p, s, t, g), { concurrency }),
    () => withTarget(ctx, () => startParley(p, { profileDir: ctx.profileDir, log: ctx.log }), (t, g) => measure(ctx, p, s, t, g), { concurrency }),
  );
  parley.ratio = ratio(parley.throughput, relay?.throughput ?? null);
  parley.goal = `all back + caught up <= ${GOAL_S} s; 0 lost, 0 dup`;
  parley.pass = (parley.throughput ?? Infinity) <= GOAL_S && parley.notes.reconnectFailed === 0 && parley.lost === 0 && parley.duplicated === 0;
  return relay ? [relay, parley] : [parley];
}
