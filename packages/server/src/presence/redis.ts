/**
 * Presence shared by every node through Redis, with expiry so the connections of a
 * node that died without saying goodbye age out.
 *
 * Layout: one sorted set per user, `${prefix}presence:${userId}`, whose members are
 * connection ids scored by the time (ms) they expire. A member is live while its score
 * is in the future. The key itself expires with its latest member, so users who went
 * away leave nothing behind. Time is the Redis server's clock (TIME inside the
 * scripts), so nodes with skewed clocks agree.
 *
 * Construction: `new RedisPresence({ url } | { client }, ...)`. Given a url the registry
 * owns its connection and quits it in close(); given an ioredis client it borrows it
 * (defining its scripts on it) and leaves it open.
 *
 * Redis Cluster: every script touches one user's key except onlineAmong, which reads
 * many users' keys in one script; on a cluster it would have to be grouped by slot
 * (or issued per user in a pipeline per shard).
 */
import { Redis, type ChainableCommander } from 'ioredis';
import type { UserId } from '@parley/protocol';
import type { PresenceRegistry } from './port';

export type RedisPresenceOptions = ({ url: string; client?: never } | { client: Redis; url?: never }) & {
  /** Key prefix; default 'parley:'. */
  prefix?: string;
  /** How long a connection counts as live without a heartbeat; default 60 s (callers beat every 20 s). */
  ttlMs?: number;
};

const NOW_MS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS[1] user key; ARGV[1] connection id; ARGV[2] ttl ms. Adds or renews the
 * connection, drops expired ones, and returns 1 when the user had no live connection
 * before. The key expires with its latest member, whatever TTL each node uses.
 */
const TOUCH = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], latest[2])
if live == 0 then return 1 end
return 0
`;

/**
 * KEYS[1] user key; ARGV[1] connection id. Returns 1 when the connection was known and
 * none live remain. A connection whose entry already expired is unknown (0): once the
 * user's last entry expires the whole key is gone, and the user already counted as offline.
 */
const FORGET = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) == 0 then return 1 end
return 0
`;

/** KEYS user keys. Returns the 1-based positions of the keys with a live member. */
const ONLINE = `${NOW_MS}
local online = {}
local after = string.format('(%d', now)
for i, key in ipairs(KEYS) do
  if redis.call('ZCOUNT', key, after, '+inf') > 0 then online[#online + 1] = i end
end
return online
`;

/** Users per ONLINE script call: bounds how long one call holds Redis. */
const ONLINE_CHUNK = 500;

interface PresenceScripts {
  parleyPresenceTouch(key: string, connectionId: string, ttlMs: number): Promise<number>;
  parleyPresenceForget(key: string, connectionId: string): Promise<number>;
}

interface PresencePipeline {
  parleyPresenceTouch(key: string, connectionId: string, ttlMs: number): PresencePipeline;
  parleyPresenceOnline(numberOfKeys: number, ...keys: string[]): PresencePipeline;
  exec(): ReturnType<ChainableCommander['exec']>;
}

export class RedisPresence implements PresenceRegistry {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(options: RedisPresenceOptions) {
    this.prefix = options.prefix ?? 'parley:';
    this.ttlMs = options.ttlMs ?? 60_000;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs < 1) throw new RangeError('ttlMs must be a positive integer');
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new Redis(options.url, { connectionName: 'parley-presence' });
    if (this.ownsClient) this.client.on('error', () => {}); // failures surface as rejected calls
    this.client.defineCommand('parleyPresenceTouch', { numberOfKeys: 1, lua: TOUCH });
    this.client.defineCommand('parleyPresenceForget', { numberOfKeys: 1, lua: FORGET });
    // numberOfKeys omitted: the caller passes the key count first (a variable number of users).
    this.client.defineCommand('parleyPresenceOnline', { lua: ONLINE });
  }

  async connected(userId: UserId, connectionId: string): Promise<boolean> {
    return (await this.scripts().parleyPresenceTouch(this.key(userId), connectionId, this.ttlMs)) === 1;
  }

  async disconnected(userId: UserId, connectionId: string): Promise<boolean> {
    return (await this.scripts().parleyPresenceForget(this.key(userId), connectionId)) === 1;
  }

  /**
   * Renews every entry in one round trip. An entry that already expired (this node lost
   * Redis for longer than the TTL) is added back, since the connection is still open.
   */
  async heartbeat(entries: readonly { userId: UserId; connectionId: string }[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.pipeline();
    for (const { userId, connectionId } of entries) {
      pipeline.parleyPresenceTouch(this.key(userId), connectionId, this.ttlMs);
    }
    throwFirstError(await pipeline.exec());
  }

  /** One round trip however many users are asked about. */
  async onlineAmong(userIds: readonly UserId[]): Promise<Set<UserId>> {
    const online = new Set<UserId>();
    if (userIds.length === 0) return online;
    const chunks: UserId[][] = [];
    for (let i = 0; i < userIds.length; i += ONLINE_CHUNK) chunks.push(userIds.slice(i, i + ONLINE_CHUNK));
    const pipeline = this.pipeline();
    for (const chunk of chunks) {
      pipeline.parleyPresenceOnline(chunk.length, ...chunk.map((id) => this.key(id)));
    }
    const results = throwFirstError(await pipeline.exec());
    results.forEach((positions, c) => {
      const chunk = chunks[c]!;
      for (const position of positions as number[]) online.add(chunk[position - 1]!);
    });
    return online;
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private key(userId: UserId): string {
    return `${this.prefix}presence:${userId}`;
  }

  private scripts(): PresenceScripts {
    return this.client as unknown as PresenceScripts;
  }

  private pipeline(): PresencePipeline {
    return this.client.pipeline() as unknown as PresencePipeline;
  }
}

/** A pipeline reports per-command errors in its results; surface the first as a rejection. */
function throwFirstError(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('presence pipeline was discarded');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
