/**
 * "Max rate": step the offered rate up (x2 per step) until the target stops keeping
 * up (delivered rate < 85 % of offered, or p99 above a second). The best delivered
 * rate seen is the saturation throughput; an overloaded step measures it directly,
 * since its backlog drains at the target's full speed.
 *
 * How much an overloaded step delivers depends on how far it is overloaded (a bigger
 * backlog makes bigger commit batches), so two targets are compared at the same offered
 * rates: `throughRate` keeps stepping, past a step that fell behind, until that rate.
 */
import type { PhaseOutcome, PhaseRunner, Sender } from './measure';

export interface SaturationOptions {
  startRate: number;
  stepSeconds: number;
  maxSteps: number;
  size: number;
  log: (line: string) => void;
  label: string;
  /** Step on at least up to this offered rate (msg/s), even past a step that fell behind. */
  throughRate?: number;
}

export async function findSaturation(
  runner: PhaseRunner,
  senders: readonly Sender[],
  o: SaturationOptions,
): Promise<{ maxDeliveries: number; maxMessages: number; steps: PhaseOutcome[] }> {
  const fanout = senders.reduce((s, x) => s + x.recipients, 0) / senders.length;
  const steps: PhaseOutcome[] = [];
  let best = 0;
  let rate = o.startRate;
  for (let i = 0; i < o.maxSteps; i++) {
    const out = await runner.run(runner.plan(senders, rate, o.stepSeconds, o.size), senders);
    steps.push(out);
    best = Math.max(best, out.throughput);
    const p99 = out.hist.quantileMs(0.99);
    o.log(`${o.label}: offered ${Math.round(rate)} msg/s -> ${Math.round(out.throughput)} deliveries/s, p99 ${p99.toFixed(1)} ms, lost ${out.lost}, server cpu ${Math.round(out.cpuPct)} %, generators ${Math.round(out.generatorCpuPct)} %`);
    const fellBehind = out.throughput < 0.85 * rate * fanout || p99 > 1000;
    if (fellBehind && rate >= (o.throughRate ?? 0)) break;
    rate *= 2;
  }
  return { maxDeliveries: best, maxMessages: best / fanout, steps };
}
