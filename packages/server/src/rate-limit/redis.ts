/**
 * Fixed-window rate limits shared by every node through Redis.
 *
 * One counter per key, `${prefix}rate:${key}`, incremented and given its window's expiry
 * in one Lua script, so a crash can never leave a counter without an expiry (a key
 * that would refuse forever). A refused hit's retryAfterMs is the counter's remaining
 * PTTL. The hits of one turn of the event loop go to Redis as one script call (TurnBatch),
 * which counts them in the order they were made. Windows follow the Redis server's
 * clock; the `now` argument of hit() is ignored, so nodes with skewed clocks still share
 * one window.
 *
 * Every counter of a call is one of its KEYS, so a call spans hash slots: this adapter
 * needs a single Redis (or a primary with replicas), not a Redis Cluster.
 *
 * Construction: `new RedisRateLimiter({ url } | { client }, prefix?)`. Given a url the
 * limiter owns its connection and quits it in close(); given an ioredis client it
 * borrows it (defining its script on it) and leaves it open.
 */
import { Redis } from 'ioredis';
import { chunks } from '../redis/chunks';
import { TurnBatch } from '../redis/turn-batch';
import type { RateLimiter, RateRule, RateVerdict } from './port';

export type RedisRateLimiterOptions = ({ url: string; client?: never } | { client: Redis; url?: never }) & {
  /** Key prefix; default 'parley:'. */
  prefix?: string;
  /** Given a url: each command's deadline (ioredis commandTimeout), queued ones included; default none. */
  commandTimeoutMs?: number;
};

/**
 * KEYS: counters; ARGV: limit and window ms per counter, in the same order. Returns one
 * number per counter: 0 when allowed, else ms until its window resets.
 */
const HIT_MANY = `
local verdicts = {}
for i = 1, #KEYS do
  local count = redis.call('INCR', KEYS[i])
  local ttl = redis.call('PTTL', KEYS[i])
  local window = tonumber(ARGV[2 * i])
  if count == 1 or ttl < 0 then
    redis.call('PEXPIRE', KEYS[i], window)
    ttl = window
  end
  if count <= tonumber(ARGV[2 * i - 1]) then verdicts[i] = 0 else verdicts[i] = math.max(ttl, 1) end
end
return verdicts
`;

/** Hits per script call: bounds how long one call holds Redis (every command waits for it). */
const HITS_PER_CALL = 512;

interface PendingHit {
  key: string;
  limit: number;
  windowMs: number;
  resolve: (verdict: RateVerdict) => void;
  reject: (err: Error) => void;
}

interface RateScripts {
  parleyRateHits(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly pending = new TurnBatch<PendingHit>((hits) => this.send(hits));

  constructor(options: RedisRateLimiterOptions) {
    this.prefix = options.prefix ?? 'parley:';
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ?? new Redis(options.url, { connectionName: 'parley-rate-limit', ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}) });
    if (this.ownsClient) this.client.on('error', () => {}); // failures surface as rejected calls
    // No fixed numberOfKeys: each call says how many of its arguments are keys.
    this.client.defineCommand('parleyRateHits', { lua: HIT_MANY });
  }

  hit(key: string, rule: RateRule, _now: number): Promise<RateVerdict> {
    const windowMs = Math.max(1, Math.ceil(rule.windowMs));
    return new Promise((resolve, reject) => this.pending.add({ key: this.key(key), limit: rule.limit, windowMs, resolve, reject }));
  }

  /**
   * One turn's hits (every send asks one) in one script call per HITS_PER_CALL: per hit,
   * a command of its own cost the node 11–14 µs against 3–3.5 µs this way
   * (a scratch loop of 100-hit turns).
   */
  private send(hits: PendingHit[]): void {
    for (const chunk of chunks(hits, HITS_PER_CALL)) {
      const args: (string | number)[] = chunk.map((hit) => hit.key);
      for (const hit of chunk) args.push(hit.limit, hit.windowMs);
      (this.client as unknown as RateScripts).parleyRateHits(chunk.length, ...args).then(
        (verdicts) =>
          chunk.forEach((hit, i) => {
            const retryAfterMs = Number(verdicts[i]);
            if (Number.isNaN(retryAfterMs)) hit.reject(new Error('rate limit script gave no verdict'));
            else hit.resolve(retryAfterMs === 0 ? { ok: true } : { ok: false, retryAfterMs });
          }),
        (err: Error) => chunk.forEach((hit) => hit.reject(err)),
      );
    }
  }

  /** False while the connection is down: a caller can count locally without waiting (fail-open.ts). */
  available(): boolean {
    return this.client.status === 'ready';
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
