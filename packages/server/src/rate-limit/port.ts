/**
 * Rate limits, shared by every node when the Redis adapter is used. Fixed windows
 * keyed by action and subject; a refused hit says how long until the window resets.
 */
export interface RateRule {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

export type RateVerdict = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  hit(key: string, rule: RateRule, now: number): Promise<RateVerdict>;
  /** Forgets a key (a successful login clears its failure counter). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
