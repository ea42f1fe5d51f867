/** A readable table on stdout plus one JSON line per result (grep '^{"workload"'). */
import type { BenchResult } from './result';

const fmt = (x: number | null | undefined, d = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '-' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toFixed(Math.abs(x) < 100 ? Math.max(d, 2) : d);

export function table(results: readonly BenchResult[]): string {
  const head = ['workload', 'target', 'throughput', 'unit', 'x relay', 'x floor', 'p50 ms', 'p95 ms', 'p99 ms', 'p99.9 ms', 'sent', 'delivered', 'lost', 'dup', 'cpu %', 'rss MB', 'goal', 'pass'];
  const rows = results.map((r) => [
    r.workload,
    r.target,
    fmt(r.throughput, 0),
    r.unit,
    r.ratio === null ? '-' : r.ratio.toFixed(2),
    r.floorRatio === null || r.floorRatio === undefined ? '-' : r.floorRatio.toFixed(2),
    fmt(r.latencyMs?.p50, 2),
    fmt(r.latencyMs?.p95, 2),
    fmt(r.latencyMs?.p99, 2),
    fmt(r.latencyMs?.p999, 2),
    String(r.sent),
    String(r.delivered),
    String(r.lost),
    String(r.duplicated),
    fmt(r.serverCpuPct, 0),
    fmt(r.serverRssMb, 1),
    r.goal,
    r.pass === null ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function jsonLine(r: BenchResult): string {
  return JSON.stringify({
    workload: r.workload,
    target: r.target,
    throughput: r.throughput === null ? null : Math.round(r.throughput * 100) / 100,
    unit: r.unit,
    latencyMs: r.latencyMs,
    sent: r.sent,
    delivered: r.delivered,
    lost: r.lost,
    duplicated: r.duplicated,
    serverCpuPct: Math.round(r.serverCpuPct),
    serverRssMb: r.serverRssMb,
    ratioToRelay: r.ratio === null ? null : Math.round(r.ratio * 1000) / 1000,
    ratioToFloor: r.floorRatio === null || r.floorRatio === undefined ? null : Math.round(r.floorRatio * 1000) / 1000,
    goal: r.goal,
    pass: r.pass,
    notes: r.notes,
  });
}
