/**
 * RedisPresence behaviour beyond the port: expiry of connections nobody renews (a node
 * that died), renewal, and that nothing is left behind in Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, randomPrefix, redisTestEnv } from '../bus/redis-test-env';
import { newConversationId, newUserId } from '../domain/ids';
import type { UserId } from '@parley/protocol';
import { RedisPresence } from './redis';

const redis = await redisTestEnv();

/** Polls until `check` holds; the bound only turns a hang into a clear failure. */
async function until(what: string, check: () => Promise<boolean>, patienceMs = 10_000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!redis.available)(`RedisPresence specifics${redis.skipNote}`, () => {
  const prefix = randomPrefix();
  let raw: Redis;
  const opened: RedisPresence[] = [];
  const node = (ttlMs?: number) => {
    const registry = new RedisPresence({ url: redis.url, prefix, ...(ttlMs ? { ttlMs } : {}) });
    opened.push(registry);
    return registry;
  };
  const isOnline = async (registry: RedisPresence, user: UserId) => (await registry.onlineAmong([user])).has(user);

  beforeAll(() => {
    raw = new Redis(redis.url);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((registry) => registry.close()));
  });

  afterAll(async () => {
    await raw.quit();
    await deleteKeysWithPrefix(redis.url, prefix);
  });

  it('stops counting a connection that is not renewed within its TTL', async () => {
    const crashed = node(300);
    const survivor = node();
    const user = newUserId();
    expect(await crashed.connected(user, 'on-crashed-node')).toBe(true);
    expect(await isOnline(survivor, user)).toBe(true);

    await until('the entry expires', async () => !(await isOnline(survivor, user)));
    // The user was offline, so the next connection announces them again.
    expect(await survivor.connected(user, 'fresh')).toBe(true);
  });

  it('keeps a renewed connection past its TTL while an unrenewed one expires', async () => {
    const registry = node(600);
    const [renewed, abandoned] = [newUserId(), newUserId()];
    await registry.connected(renewed, 'c1');
    await registry.connected(abandoned, 'c2');
    // Renew well inside the TTL until the abandoned entry has expired.
    await until('the abandoned entry expires', async () => {
      await registry.heartbeat([{ userId: renewed, connectionId: 'c1' }]);
      return !(await isOnline(registry, abandoned));
    });
    expect(await isOnline(registry, renewed)).toBe(true);
  });

  it('adds back on heartbeat a connection that expired while the node was cut off', async () => {
    const registry = node(300);
    const user = newUserId();
    await registry.connected(user, 'c1');
    await until('the entry expires', async () => !(await isOnline(registry, user)));
    await registry.heartbeat([{ userId: user, connectionId: 'c1' }]);
    expect(await isOnline(registry, user)).toBe(true);
  });

  it('treats the disconnect of an expired connection as unknown', async () => {
    const registry = node(300);
    const user = newUserId();
    await registry.connected(user, 'c1');
    await until('the entry expires', async () => !(await isOnline(registry, user)));
    expect(await registry.disconnected(user, 'c1')).toBe(false);
  });

  it('leaves no key behind for a user who went away, and gives live keys an expiry', async () => {
    const registry = node(60_000);
    const user = newUserId();
    await registry.connected(user, 'c1');
    await registry.setFocus(user, 'c1', newConversationId());
    const keys = (await scanKeys(prefix)).filter((k) => k.includes(user));
    expect(keys).toHaveLength(2); // the connections and their focus
    for (const key of keys) {
      const ttl = await raw.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    await registry.disconnected(user, 'c1');
    expect((await scanKeys(prefix)).some((k) => k.includes(user))).toBe(false);
  });

  it('does not believe the focus of a connection that expired (a dead node), nor keep it', async () => {
    const crashed = node(300);
    const survivor = node();
    const user = newUserId();
    const conv = newConversationId();
    await crashed.connected(user, 'on-crashed-node');
    await crashed.setFocus(user, 'on-crashed-node', conv);
    await survivor.connected(user, 'alive');
    expect(await survivor.attentionAmong([{ userId: user, conversationId: conv }])).toEqual(['focused']);
    await until('the dead connection expires', async () => (await survivor.attentionAmong([{ userId: user, conversationId: conv }]))[0] === 'online');
    // The next focus change drops the dead connection's field; the last disconnect drops the rest.
    await survivor.setFocus(user, 'alive', conv);
    expect(await raw.hkeys(`${prefix}focus:${user}`)).toEqual(['alive']);
    await survivor.disconnected(user, 'alive');
    expect((await scanKeys(prefix)).some((k) => k.includes(user))).toBe(false);
  });

  it('answers attention for more asks than one script call takes', async () => {
    const registry = node();
    const conv = newConversationId();
    const users = Array.from({ length: 1_234 }, () => newUserId());
    const online = users.filter((_, i) => i % 5 === 0);
    await registry.heartbeat(online.map((userId) => ({ userId, connectionId: 'c' })));
    const focused = online.filter((_, i) => i % 2 === 0);
    for (const userId of focused) await registry.setFocus(userId, 'c', conv);
    const expected = users.map((u) => (focused.includes(u) ? 'focused' : online.includes(u) ? 'online' : 'away'));
    expect(await registry.attentionAmong(users.map((userId) => ({ userId, conversationId: conv })))).toEqual(expected);
  });

  it('answers about more users than one script call takes', async () => {
    const registry = node();
    const users = Array.from({ length: 1_234 }, () => newUserId());
    const online = users.filter((_, i) => i % 7 === 0);
    await registry.heartbeat(online.map((userId) => ({ userId, connectionId: 'c' })));
    expect(await registry.onlineAmong(users)).toEqual(new Set(online));
  });

  it('works on a borrowed client and leaves it open on close', async () => {
    const client = new Redis(redis.url);
    try {
      const registry = new RedisPresence({ client, prefix });
      const user = newUserId();
      expect(await registry.connected(user, 'c1')).toBe(true);
      await registry.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  async function scanKeys(match: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `${match}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }
});
