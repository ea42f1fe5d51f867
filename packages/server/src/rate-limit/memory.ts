import { LRUCache } from 'lru-cache';
import type { RateLimiter, RateRule, RateVerdict } from './port';

/** Default most keys held: ~100 bytes each, so about 10 MB at most. */
export const DEFAULT_MAX_KEYS = 100_000;

/**
 * Per-process fixed windows in a bounded table (lru-cache): memory is capped however many
 * distinct keys (usernames, addresses) arrive. A full table evicts the key hit least
 * recently. Every attempt hits all the keys that cover it, so the keys of an attacker
 * at work are the most recently used and are kept; what goes is a window nobody has
 * touched for longest, so a flood of fresh keys cannot reset a limit under attack.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows: LRUCache<string, { resetAt: number; count: number }>;

  constructor(opts: { maxKeys?: number } = {}) {
    this.windows = new LRUCache({ max: opts.maxKeys ?? DEFAULT_MAX_KEYS });
  }

  /** Keys held now (bounded by maxKeys). */
  get size(): number {
    return this.windows.size;
  }

  async hit(key: string, rule: RateRule, now: number): Promise<RateVerdict> {
    return this.hitNow(key, rule, now);
  }

  /** hit() without the promise, for callers that must not yield (the fail-open fallback). */
  hitNow(key: string, rule: RateRule, now: number): RateVerdict {
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

  async close(): Promise<void> {
    this.windows.clear();
  }
}
