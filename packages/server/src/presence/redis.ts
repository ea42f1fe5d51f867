/**
 * Presence shared by every node through Redis, with expiry so the connections of a
 * node that died without saying goodbye age out.
 *
 * Layout: one sorted set per user, `${prefix}presence:${userId}`, whose members are
 * connection ids scored by the time (ms) they expire. A member is live while its score
 * is in the future. The key itself expires with its latest member, so users who went
 * away leave nothing behind. Time is the Redis server's clock (TIME inside the
 * scripts), so nodes with skewed clocks agree. Beside it a hash, `${prefix}focus:${userId}`,
 * maps connection ids to the conversation each shows. It expires with the sorted set,
 * and only the fields of live members count, so a dead node's focus is never believed.
 *
 * Construction: `new RedisPresence({ url } | { client }, ...)`. Given a url the registry
 * owns its connection and quits it in close(); given an ioredis client it borrows it
 * (defining its scripts on it) and leaves it open.
 *
 * Redis Cluster: every script touches one user's keys except onlineAmong and
 * attentionAmong, which read many users' keys in one script; on a cluster they would
 * have to be grouped by slot (and each user's two keys given one hash tag).
 */
import { Redis, type ChainableCommander } from 'ioredis';
import type { ConversationId, UserId } from '@parley/protocol';
import { chunks } from '../redis/chunks';
import type { Attention, AttentionAsk, PresenceRegistry } from './port';

export type RedisPresenceOptions = ({ url: string; client?: never } | { client: Redis; url?: never }) & {
  /** Key prefix; default 'parley:'. */
  prefix?: string;
  /** How long a connection counts as live without a heartbeat; default 60 s (callers beat every 20 s). */
  ttlMs?: number;
  /** Given a url: each command's deadline (ioredis commandTimeout), queued ones included; default none. */
  commandTimeoutMs?: number;
};

const NOW_MS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS[1] user key, KEYS[2] the user's focus hash; ARGV[1] connection id; ARGV[2] ttl
 * ms. Adds or renews the connection, drops expired ones, and returns 1 when the user had
 * no live connection before. Both keys expire with the latest member, whatever TTL each
 * node uses.
 */
const TOUCH = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], latest[2])
redis.call('PEXPIREAT', KEYS[2], latest[2])
if live == 0 then return 1 end
return 0
`;

/**
 * KEYS[1] user key, KEYS[2] focus hash; ARGV[1] connection id. Returns 1 when the
 * connection was known and none live remain. A connection whose entry already expired
 * is unknown (0): once the user's last entry expires the whole key is gone, and the
 * user already counted as offline.
 */
const FORGET = `
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return 1
end
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

/**
 * KEYS[1] user key, KEYS[2] focus hash; ARGV[1] connection id; ARGV[2] conversation id,
 * or '' for none. A focus is kept only for a live connection, and expires with the
 * user's last one. Fields left by connections that expired (a node that died) go here.
 */
const FOCUS = `${NOW_MS}
local live = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], string.format('(%d', now), '+inf')) do live[id] = true end
for _, id in ipairs(redis.call('HKEYS', KEYS[2])) do
  if not live[id] then redis.call('HDEL', KEYS[2], id) end
end
if ARGV[2] == '' or not live[ARGV[1]] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 0
end
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], latest[2])
return 1
`;

/**
 * KEYS user key and focus hash of each ask, in turn; ARGV the conversation of each ask.
 * Returns per ask 0 (no live connection), 2 (a live connection shows the conversation)
 * or 1 (online, not showing it). Fields of expired connections are never read.
 */
const ATTENTION = `${NOW_MS}
local answers = {}
local after = string.format('(%d', now)
for i = 1, #ARGV do
  local live = redis.call('ZRANGEBYSCORE', KEYS[2 * i - 1], after, '+inf')
  if #live == 0 then
    answers[i] = 0
  else
    answers[i] = 1
    for _, id in ipairs(live) do
      if redis.call('HGET', KEYS[2 * i], id) == ARGV[i] then
        answers[i] = 2
        break
      end
    end
  end
end
return answers
`;

/** Users (or asks) per ONLINE / ATTENTION script call: bounds how long one call holds Redis. */
const ONLINE_CHUNK = 500;
const ATTENTION_LEVELS: readonly Attention[] = ['away', 'online', 'focused'];

interface PresenceScripts {
  parleyPresenceTouch(key: string, focusKey: string, connectionId: string, ttlMs: number): Promise<number>;
  parleyPresenceForget(key: string, focusKey: string, connectionId: string): Promise<number>;
  parleyPresenceFocus(key: string, focusKey: string, connectionId: string, conversationId: string): Promise<number>;
}

interface PresencePipeline {
  parleyPresenceTouch(key: string, focusKey: string, connectionId: string, ttlMs: number): PresencePipeline;
  parleyPresenceOnline(numberOfKeys: number, ...keys: string[]): PresencePipeline;
  parleyPresenceAttention(numberOfKeys: number, ...keysThenConversations: string[]): PresencePipeline;
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
    // With a deadline, a hung or unreachable Redis fails presence calls quickly; every
    // caller degrades (offline, or online-and-unfocused for notifications) instead of waiting.
    this.client = options.client ?? new Redis(options.url, { connectionName: 'parley-presence', ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}) });
    if (this.ownsClient) this.client.on('error', () => {}); // failures surface as rejected calls
    this.client.defineCommand('parleyPresenceTouch', { numberOfKeys: 2, lua: TOUCH });
    this.client.defineCommand('parleyPresenceForget', { numberOfKeys: 2, lua: FORGET });
    this.client.defineCommand('parleyPresenceFocus', { numberOfKeys: 2, lua: FOCUS });
    // numberOfKeys omitted: the caller passes the key count first (a variable number of users).
    this.client.defineCommand('parleyPresenceOnline', { lua: ONLINE });
    this.client.defineCommand('parleyPresenceAttention', { lua: ATTENTION });
  }

  async connected(userId: UserId, connectionId: string): Promise<boolean> {
    return (await this.scripts().parleyPresenceTouch(this.key(userId), this.focusKey(userId), connectionId, this.ttlMs)) === 1;
  }

  async disconnected(userId: UserId, connectionId: string): Promise<boolean> {
    return (await this.scripts().parleyPresenceForget(this.key(userId), this.focusKey(userId), connectionId)) === 1;
  }

  async setFocus(userId: UserId, connectionId: string, conversationId: ConversationId | null): Promise<void> {
    await this.scripts().parleyPresenceFocus(this.key(userId), this.focusKey(userId), connectionId, conversationId ?? '');
  }

  /**
   * Renews every entry in one round trip. An entry that already expired (this node lost
   * Redis for longer than the TTL) is added back, since the connection is still open.
   */
  async heartbeat(entries: readonly { userId: UserId; connectionId: string }[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.pipeline();
    for (const { userId, connectionId } of entries) {
      pipeline.parleyPresenceTouch(this.key(userId), this.focusKey(userId), connectionId, this.ttlMs);
    }
    throwFirstError(await pipeline.exec());
  }

  /** One round trip however many users are asked about. */
  async onlineAmong(userIds: readonly UserId[]): Promise<Set<UserId>> {
    const online = new Set<UserId>();
    if (userIds.length === 0) return online;
    const calls = chunks(userIds, ONLINE_CHUNK);
    const pipeline = this.pipeline();
    for (const chunk of calls) {
      pipeline.parleyPresenceOnline(chunk.length, ...chunk.map((id) => this.key(id)));
    }
    const results = throwFirstError(await pipeline.exec());
    results.forEach((positions, c) => {
      const chunk = calls[c]!;
      for (const position of positions as number[]) online.add(chunk[position - 1]!);
    });
    return online;
  }

  /** One round trip however many asks: the notifications decider asks once per batch. */
  async attentionAmong(asks: readonly AttentionAsk[]): Promise<Attention[]> {
    if (asks.length === 0) return [];
    const pipeline = this.pipeline();
    for (const chunk of chunks(asks, ONLINE_CHUNK)) {
      const keys = chunk.flatMap(({ userId }) => [this.key(userId), this.focusKey(userId)]);
      pipeline.parleyPresenceAttention(keys.length, ...keys, ...chunk.map((a) => a.conversationId));
    }
    return throwFirstError(await pipeline.exec()).flatMap((answers) => (answers as number[]).map((level) => ATTENTION_LEVELS[level] ?? 'online'));
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private key(userId: UserId): string {
    return `${this.prefix}presence:${userId}`;
  }

  private focusKey(userId: UserId): string {
    return `${this.prefix}focus:${userId}`;
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
