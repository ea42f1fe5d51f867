/**
 * One measured phase: open-loop sends from the generators, wait until every expected
 * delivery arrived (or progress stops), then merge the receivers' accounting into
 * throughput, latency, lost and duplicated, with the server's CPU and RSS over the phase.
 */
import { Histogram, nowUs } from './histogram';
import type { Generators } from './generators';
import { cpuPercent, sampleAll } from './proc-stats';
import { sleep } from './spawn';
import { mb, type BenchResult } from './result';
import type { PhasePlan, SenderPlan } from '../worker/protocol';

export interface Sender {
  /** Client index of the sending socket. */
  client: number;
  conversationId: string;
  /** How many sockets other than the sender's should receive each message. */
  recipients: number;
}

export interface PhaseOutcome {
  offeredRate: number;
  sent: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  redelivered: number;
  /** Distinct deliveries per second, from the first planned send to the last delivery. */
  throughput: number;
  hist: Histogram;
  cpuPct: number;
  rssBytes: number;
  /** CPU of all generator processes together (% of one core): near 100 % per generator means the generator is the limit. */
  generatorCpuPct: number;
  acks: number;
  errors: Record<string, number>;
  reconnects: number;
}

export class PhaseRunner {
  private phase = 0;

  constructor(
    private readonly gens: Generators,
    private readonly serverPids: readonly number[],
  ) {}

  plan(senders: readonly Sender[], totalRate: number, seconds: number, size: number, leadMs = 300): PhasePlan {
    const per = totalRate / senders.length;
    const count = Math.max(1, Math.round(per * seconds));
    const interval = 1e6 / per;
    const plans: SenderPlan[] = senders.map((s, i) => ({
      client: s.client,
      sender: i,
      conversationId: s.conversationId,
      count,
      rate: per,
      offsetUs: Math.round((i / senders.length) * interval),
    }));
    return { phase: ++this.phase, startUs: nowUs() + leadMs * 1000, size, senders: plans };
  }

  /** Runs the plan; `during` runs alongside (e.g. history reads) and is awaited before the drain. */
  async run(plan: PhasePlan, senders: readonly Sender[], opts: { stallMs?: number; maxDrainMs?: number; during?: () => Promise<void> } = {}): Promise<PhaseOutcome> {
    const before = sampleAll(this.serverPids);
    const genBefore = sampleAll(this.gens.pids);
    const during = opts.during?.();
    const sent = await this.gens.phase(plan);
    await during;
    const expected = plan.senders.reduce((s, p, i) => s + p.count * senders[i]!.recipients, 0);
    const stallMs = opts.stallMs ?? 2000;
    const drainDeadline = Date.now() + (opts.maxDrainMs ?? 30_000);
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const got = await this.gens.deliveries(plan.phase);
      if (got >= expected) break;
      if (got !== last) {
        last = got;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs) break;
      if (Date.now() > drainDeadline) break;
      await sleep(50);
    }
    const after = sampleAll(this.serverPids);
    const genAfter = sampleAll(this.gens.pids);
    const replies = await this.gens.collect(plan.phase);

    const hist = new Histogram();
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    let redelivered = 0;
    let acks = 0;
    let reconnects = 0;
    let lastDeliveryUs = 0;
    const errors: Record<string, number> = {};
    const perSender = plan.senders.map((p) => new Array<number>(p.count).fill(0));
    for (const r of replies) {
      hist.merge(r.hist);
      duplicated += r.duplicates;
      redelivered += r.redelivered;
      acks += r.acks;
      reconnects += r.reconnects;
      lastDeliveryUs = Math.max(lastDeliveryUs, r.lastDeliveryUs);
      for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
      for (const [s, arr] of Object.entries(r.delivered)) {
        const out = perSender[Number(s)]!;
        arr.forEach((c, n) => (out[n]! += c));
      }
    }
    plan.senders.forEach((p, i) => {
      const want = senders[i]!.recipients;
      for (const got of perSender[i]!) {
        delivered += Math.min(got, want);
        lost += Math.max(0, want - got);
      }
    });
    const spanS = Math.max(1e-3, (lastDeliveryUs - plan.startUs) / 1e6);
    return {
      offeredRate: plan.senders.reduce((s, p) => s + p.rate, 0),
      sent,
      expected,
      delivered,
      lost,
      duplicated,
      redelivered,
      throughput: delivered / spanS,
      hist,
      cpuPct: cpuPercent(before, after),
      rssBytes: after.rssBytes,
      generatorCpuPct: cpuPercent(genBefore, genAfter),
      acks,
      errors,
      reconnects,
    };
  }
}

/** Sum of several phases' counters (for a workload's totals). */
export function totals(phases: readonly PhaseOutcome[]) {
  return {
    sent: phases.reduce((s, p) => s + p.sent, 0),
    delivered: phases.reduce((s, p) => s + p.delivered, 0),
    lost: phases.reduce((s, p) => s + p.lost, 0),
    duplicated: phases.reduce((s, p) => s + p.duplicated, 0),
    errors: phases.reduce<Record<string, number>>((acc, p) => {
      for (const [k, v] of Object.entries(p.errors)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
  };
}

/** The counted columns of a result row: the phases' totals, the server's CPU and RSS during `measured`. */
export function countedColumns(t: ReturnType<typeof totals>, measured: PhaseOutcome): Pick<BenchResult, 'sent' | 'delivered' | 'lost' | 'duplicated' | 'serverCpuPct' | 'serverRssMb'> {
  return { sent: t.sent, delivered: t.delivered, lost: t.lost, duplicated: t.duplicated, serverCpuPct: measured.cpuPct, serverRssMb: mb(measured.rssBytes) };
}
