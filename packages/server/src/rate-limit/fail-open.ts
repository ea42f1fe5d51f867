/**
 * A shared limiter that never stops the node when its backend does (issue 16.4: with
 * Redis down every authenticated request hung for 15 s, then failed).
 *
 * Every hit asks the shared limiter (Redis) with a short deadline. When it fails, is too
 * slow or is known to be down, the hit is counted by a local in-memory limiter instead:
 * the same rule, per node, so limits still hold (N nodes allow at most N × the limit)
 * while the shared one is away. After a failure the shared limiter is left alone for a
 * short pause (no request waits for a deadline it would surely miss), then tried again;
 * the first answer it gives ends the fallback. Changes are logged once each way, and
 * every hit served locally is counted (parley_rate_limit_fallback_total).
 */
import type { Logger } from 'pino';
import { MemoryRateLimiter } from './memory';
import type { RateLimiter, RateRule, RateVerdict } from './port';

/** A shared limiter that can say it is disconnected without a round trip. */
export interface SharedRateLimiter extends RateLimiter {
  available?(): boolean;
}

export interface FailOpenOptions {
  /** How long one hit waits for the shared limiter; default 250 ms. */
  deadlineMs?: number;
  /** After a failure, hits go local for this long before the shared limiter is tried again; default 1 s. */
  retryAfterMs?: number;
  /** Keys the local fallback holds at most. */
  localMaxKeys?: number;
  log?: Pick<Logger, 'warn' | 'info'>;
  /** Told about each hit served locally (a metric). */
  onFallback?: () => void;
}

export class FailOpenRateLimiter implements RateLimiter {
  private readonly local: MemoryRateLimiter;
  private readonly deadlineMs: number;
  private readonly retryAfterMs: number;
  /** While set, hits skip the shared limiter until this time (ms, Date.now()). */
  private downUntil = 0;
  private degraded = false;

  constructor(
    private readonly shared: SharedRateLimiter,
    private readonly opts: FailOpenOptions = {},
  ) {
    this.local = new MemoryRateLimiter({ maxKeys: opts.localMaxKeys });
    this.deadlineMs = opts.deadlineMs ?? 250;
    this.retryAfterMs = opts.retryAfterMs ?? 1000;
  }

  /** True while hits are counted locally. */
  get usingFallback(): boolean {
    return this.degraded;
  }

  async hit(key: string, rule: RateRule, now: number): Promise<RateVerdict> {
    if (Date.now() < this.downUntil || this.shared.available?.() === false) return this.fallback(key, rule, now, null);
    try {
      const verdict = await withDeadline(this.shared.hit(key, rule, now), this.deadlineMs);
      if (this.degraded) {
        this.degraded = false;
        this.opts.log?.info('shared rate limiter answers again; local fallback ended');
      }
      return verdict;
    } catch (err) {
      this.downUntil = Date.now() + this.retryAfterMs;
      return this.fallback(key, rule, now, err);
    }
  }

  async reset(key: string): Promise<void> {
    await this.local.reset(key);
    if (Date.now() < this.downUntil || this.shared.available?.() === false) return;
    await withDeadline(this.shared.reset(key), this.deadlineMs).catch(() => {
      // A failure counter that outlives its success only makes a later login wait: fail open.
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.shared.close(), this.local.close()]);
  }

  private fallback(key: string, rule: RateRule, now: number, err: unknown): RateVerdict {
    if (!this.degraded) {
      this.degraded = true;
      this.opts.log?.warn({ err }, 'shared rate limiter unavailable; counting on this node until it answers');
    }
    this.opts.onFallback?.();
    return this.local.hitNow(key, rule, now);
  }
}

class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  promise.catch(() => {}); // a late failure after the deadline is not unhandled
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
