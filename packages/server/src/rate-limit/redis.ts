/**
 * Fixed-window rate limits shared by every node through Redis.
 *
 * One counter per key, `${prefix}rate:${key}`, incremented and given its window's expiry
 * in one Lua script, so a crash can never leave a counter without an expiry (a key
 * that would refuse forever). A refused hit's retryAfterMs is the counter's remaining
 * PTTL. The hits of one turn of the event loop go as one pipeline (TurnBatch). Windows
 * follow the Redis server's clock; the `now` argument of hit() is ignored,
 * so nodes with skewed clocks still share one window.
 *
 * Construction: `new RedisRateLimiter({ url } | { client }, prefix?)`. Given a url the
 * limiter owns its connection and quits it in close(); given an ioredis client it
 * borrows it (defining its script on it) and leaves it open.
 */
import { Redis } from 'ioredis';
import { TurnBatch } from '../redis/turn-batch';
import type { RateLimiter, RateRule, RateVerdict } from './port';

export type RedisRateLimiterOptions = ({ url: string; client?: never } | { client: Redis; url?: never }) & {
  /** Key prefix; default 'parley:'. */
  prefix?: string;
};

/** KEYS[1] counter; ARGV[1] limit; ARGV[2] window ms. Returns 0 when allowed, else ms until the window resets. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if count <= tonumber(ARGV[1]) then return 0 end
return math.max(ttl, 1)
`;

interface PendingHit {
  key: string;
  limit: number;
  windowMs: number;
  resolve: (verdict: RateVerdict) => void;
  reject: (err: Error) => void;
}

interface RateScripts {
  parleyRateHit(key: string, limit: number, windowMs: number): Promise<number>;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly pending = new TurnBatch<PendingHit>((hits) => this.send(hits));

  constructor(options: RedisRateLimiterOptions) {
    this.prefix = options.prefix ?? 'parley:';
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new Redis(options.url, { connectionName: 'parley-rate-limit' });
    if (this.ownsClient) this.client.on('error', () => {}); // failures surface as rejected calls
    this.client.defineCommand('parleyRateHit', { numberOfKeys: 1, lua: HIT });
  }

  hit(key: string, rule: RateRule, _now: number): Promise<RateVerdict> {
    const windowMs = Math.max(1, Math.ceil(rule.windowMs));
    return new Promise((resolve, reject) => this.pending.add({ key: this.key(key), limit: rule.limit, windowMs, resolve, reject }));
  }

  /** One turn's hits (every send asks one) as one pipeline: a write and a read, not one per hit. */
  private send(hits: PendingHit[]): void {
    const settle = (hit: PendingHit, err: Error | null, retryAfterMs: unknown) => {
      if (err) hit.reject(err);
      else hit.resolve(retryAfterMs === 0 ? { ok: true } : { ok: false, retryAfterMs: Number(retryAfterMs) });
    };
    const pipeline = this.client.pipeline() as unknown as RateScripts & { exec(): Promise<[Error | null, unknown][] | null> };
    for (const hit of hits) void pipeline.parleyRateHit(hit.key, hit.limit, hit.windowMs);
    pipeline.exec().then(
      (replies) => hits.forEach((hit, i) => settle(hit, replies?.[i]?.[0] ?? (replies ? null : new Error('rate limit pipeline discarded')), replies?.[i]?.[1])),
      (err: Error) => hits.forEach((hit) => settle(hit, err, null)),
    );
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.key(key));
  }

  async close(): Promise<void> {
    this.pending.drain();
    if (!this.ownsClient || this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private key(key: string): string {
    return `${this.prefix}rate:${key}`;
  }
}
