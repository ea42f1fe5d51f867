/**
 * fanout: one group, 5 members sending, every other member online receiving; 100 and
 * 1,000 members. The headline is deliveries per second at saturation (each message
 * counts once per receiving socket), against the relay forwarding to the same room.
 */
import { countedColumns, PhaseRunner, totals, type Sender } from '../core/measure';
import { latencyOf, type BenchResult } from '../core/result';
import { findSaturation } from '../core/saturation';
import { connectionsByConversation, group } from '../targets/population';
import { startParley } from '../targets/parley-target';
import { startRelay } from '../targets/relay-target';
import type { Target } from '../targets/target';
import type { Generators } from '../core/generators';
import { MESSAGE_BYTES } from './direct';
import { ratio, relayThenParley, withTarget, type RunContext } from './context';

const SENDERS = 5;
const GOAL = 0.6;

async function measure(ctx: RunContext, workload: string, members: number, target: Target, gens: Generators): Promise<BenchResult> {
  const conns = connectionsByConversation(group(members))[0]!;
  const senders: Sender[] = conns.slice(0, SENDERS).map((client) => ({ client, conversationId: target.conversationIds[0]!, recipients: conns.length - 1 }));
  const runner = new PhaseRunner(gens, target.serverPids);
  const smoke = ctx.scale === 'smoke';
  // Start near 5,000 deliveries/s whatever the group size.
  const startRate = smoke ? 20 : Math.max(5, Math.round(5000 / (members - 1)));
  if (!smoke) await runner.run(runner.plan(senders, startRate / 2, 0.5, MESSAGE_BYTES), senders); // warm-up
  const sat = await findSaturation(runner, senders, { startRate, stepSeconds: smoke ? 0.5 : 1.5, maxSteps: smoke ? 1 : 7, size: MESSAGE_BYTES, log: ctx.log, label: `${target.name} ${workload}` });
  const atHalf = await runner.run(runner.plan(senders, Math.max(1, sat.maxMessages / 2), smoke ? 0.5 : 3, MESSAGE_BYTES), senders);
  const t = totals([...sat.steps, atHalf]);
  return {
    workload,
    target: target.name,
    throughput: sat.maxDeliveries,
    unit: 'deliveries/s',
    latencyMs: latencyOf(atHalf.hist),
    ...countedColumns(t, atHalf),
    ratio: null,
    goal: 'ceiling',
    pass: null,
    notes: {
      members,
      senders: SENDERS,
      maxMessagesPerS: Math.round(sat.maxMessages),
      latencyAt: `50% of max (${Math.round(atHalf.offeredRate)} msg/s)`,
      ...(Object.keys(t.errors).length ? { errors: JSON.stringify(t.errors) } : {}),
    },
  };
}

async function fanoutOf(ctx: RunContext, members: number): Promise<BenchResult[]> {
  const workload = `fanout-${members}`;
  const p = group(members);
  const concurrency = 32;
  const [relay, parley] = await relayThenParley(
    ctx,
    () => withTarget(ctx, () => startRelay(p), (t, g) => measure(ctx, workload, members, t, g), { concurrency }),
    () => withTarget(ctx, () => startParley(p, { profileDir: ctx.profileDir, log: ctx.log }), (t, g) => measure(ctx, workload, members, t, g), { concurrency }),
  );
  parley.ratio = ratio(parley.throughput, relay?.throughput ?? null);
  parley.goal = `deliveries/s >= ${GOAL}x relay`;
  parley.pass = (parley.ratio ?? 0) >= GOAL && parley.lost === 0 && parley.duplicated === 0;
  return relay ? [relay, parley] : [parley];
}

export async function fanout(ctx: RunContext): Promise<BenchResult[]> {
  const sizes = ctx.scale === 'smoke' ? [20] : [100, 1000];
  if (ctx.scale === 'smoke') return (await Promise.all(sizes.map((m) => fanoutOf(ctx, m)))).flat();
  const out: BenchResult[] = [];
  for (const members of sizes) out.push(...(await fanoutOf(ctx, members)));
  return out;
}
