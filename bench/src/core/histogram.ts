/**
 * A mergeable latency histogram in microseconds with three significant digits
 * (relative error <= 1 %), so generator processes can ship it over IPC as a small
 * sparse array and the coordinator can merge them exactly.
 */
const LINEAR = 1000;
const PER_DECADE = 900;

function bucketOf(us: number): number {
  const v = Math.max(0, Math.floor(us));
  if (v < LINEAR) return v;
  const e = Math.floor(Math.log10(v)) - 2; // v = m * 10^e with m in [100, 999]
  const m = Math.floor(v / 10 ** e);
  return LINEAR + (e - 1) * PER_DECADE + (Math.min(999, m) - 100);
}

function valueOf(bucket: number): number {
  if (bucket < LINEAR) return bucket;
  const k = bucket - LINEAR;
  const e = Math.floor(k / PER_DECADE) + 1;
  const m = (k % PER_DECADE) + 100;
  return m * 10 ** e;
}

export interface HistogramData {
  /** [bucket, count] pairs. */
  buckets: [number, number][];
  count: number;
  maxUs: number;
}

export class Histogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  maxUs = 0;

  record(us: number): void {
    const b = bucketOf(us);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.count++;
    if (us > this.maxUs) this.maxUs = us;
  }

  merge(other: HistogramData): void {
    for (const [b, c] of other.buckets) this.counts.set(b, (this.counts.get(b) ?? 0) + c);
    this.count += other.count;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  /** The value at quantile q (0..1), in milliseconds; NaN when empty. */
  quantileMs(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    const sorted = [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
    let seen = 0;
    for (const [b, c] of sorted) {
      seen += c;
      if (seen >= rank) return Math.min(valueOf(b), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  toData(): HistogramData {
    return { buckets: [...this.counts.entries()], count: this.count, maxUs: this.maxUs };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(data);
    return h;
  }
}

/** High-resolution wall clock in microseconds, comparable across processes on one machine. */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
