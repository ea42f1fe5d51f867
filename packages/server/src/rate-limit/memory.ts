import type { RateLimiter, RateRule, RateVerdict } from './port';

/** Per-process fixed windows; expired windows are swept lazily so memory stays bounded by active keys. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { resetAt: number; count: number }>();
  private lastSweep = 0;

  async hit(key: string, rule: RateRule, now: number): Promise<RateVerdict> {
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { resetAt: now + rule.windowMs, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return w.count <= rule.limit ? { ok: true } : { ok: false, retryAfterMs: w.resetAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}
