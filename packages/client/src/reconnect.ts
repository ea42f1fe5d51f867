/**
 * Reconnect policy: exponential back-off with jitter, so a fleet of clients dropped
 * by one node restart does not come back in one synchronized wave.
 *
 * Guarantee: every delay is within [minDelayMs, maxDelayMs]. The ceiling doubles per
 * failed attempt; the delay is drawn from the upper half of the ceiling ("equal
 * jitter"), so waits still grow while staying spread out.
 */
export interface BackoffOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests; returns a number in [0, 1). */
  random?: () => number;
}

export const DEFAULT_MIN_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 30_000;

export class Backoff {
  private attempt = 0;
  private readonly min: number;
  private readonly max: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.min = Math.max(0, opts.minDelayMs ?? DEFAULT_MIN_DELAY_MS);
    this.max = Math.max(this.min, opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    this.random = opts.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts as one more failure. */
  next(): number {
    // Cap the exponent so 2 ** attempt never overflows into Infinity arithmetic.
    const ceiling = Math.min(this.max, Math.max(this.min, 1) * 2 ** Math.min(this.attempt, 32));
    this.attempt++;
    const r = Math.min(Math.max(this.random(), 0), 1);
    const delay = ceiling / 2 + (r * ceiling) / 2;
    return Math.round(Math.min(this.max, Math.max(this.min, delay)));
  }

  /** After a successful connection: the next failure starts from the minimum again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
