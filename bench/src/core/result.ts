/** One row of a run: a workload on one target, with its ratio to the relay of the same run. */
export interface BenchResult {
  workload: string;
  target: string;
  /** Headline rate; its unit depends on the workload (msg/s, deliveries/s, req/s). */
  throughput: number | null;
  unit: string;
  latencyMs: { p50: number; p95: number; p99: number; p999: number } | null;
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  serverCpuPct: number;
  serverRssMb: number;
  /** The metric the goal compares, divided by the relay's (or the baseline's) in this run. */
  ratio: number | null;
  /** Parley rows of durable workloads: throughput divided by the durable floor's of the same storage, same run. */
  floorRatio?: number | null;
  goal: string;
  /** null for the relay rows (the ceiling has no goal). */
  pass: boolean | null;
  notes: Record<string, number | string | boolean>;
}

export function latencyOf(h: { quantileMs(q: number): number; count: number }): BenchResult['latencyMs'] {
  if (h.count === 0) return null;
  return { p50: h.quantileMs(0.5), p95: h.quantileMs(0.95), p99: h.quantileMs(0.99), p999: h.quantileMs(0.999) };
}

export const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
