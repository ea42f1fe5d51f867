/** RedisRateLimiter behaviour beyond the port: counts shared by nodes, prefixes, expiry. */
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, flushScripts, randomPrefix, redisTestEnv } from '../bus/redis-test-env';
import { RedisRateLimiter } from './redis';

const redis = await redisTestEnv();

describe.skipIf(!redis.available)(`RedisRateLimiter specifics${redis.skipNote}`, () => {
  const prefixes: string[] = [];
  const opened: RedisRateLimiter[] = [];
  const limiter = (prefix: string) => {
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    const created = new RedisRateLimiter({ url: redis.url, prefix });
    opened.push(created);
    return created;
  };
  const rule = { limit: 3, windowMs: 60_000 };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((l) => l.close()));
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeysWithPrefix(redis.url, prefix);
  });

  it('shares counts between limiters on one Redis (one per node)', async () => {
    const prefix = randomPrefix();
    const [node1, node2] = [limiter(prefix), limiter(prefix)];
    expect(await node1.hit('message.send:u1', rule, Date.now())).toEqual({ ok: true });
    expect(await node2.hit('message.send:u1', rule, Date.now())).toEqual({ ok: true });
    expect(await node1.hit('message.send:u1', rule, Date.now())).toEqual({ ok: true });
    expect((await node2.hit('message.send:u1', rule, Date.now())).ok).toBe(false);
    await node1.reset('message.send:u1');
    expect(await node2.hit('message.send:u1', rule, Date.now())).toEqual({ ok: true });
  });

  it('keeps limiters with different prefixes apart', async () => {
    const [one, other] = [limiter(randomPrefix()), limiter(randomPrefix())];
    for (let i = 0; i < 3; i++) await one.hit('k', rule, Date.now());
    expect((await one.hit('k', rule, Date.now())).ok).toBe(false);
    expect(await other.hit('k', rule, Date.now())).toEqual({ ok: true });
  });

  it('counts the hits of one turn in the order they were made, each key on its own', async () => {
    const node = limiter(randomPrefix());
    // Made in one synchronous loop: they reach Redis together, as a busy node's do.
    const first = Array.from({ length: 5 }, () => node.hit('a', rule, Date.now()));
    const second = Array.from({ length: 2 }, () => node.hit('b', rule, Date.now()));
    expect((await Promise.all(first)).map((v) => v.ok)).toEqual([true, true, true, false, false]);
    expect((await Promise.all(second)).map((v) => v.ok)).toEqual([true, true]);
    const refused = await first[3]!;
    expect(refused.ok === false && refused.retryAfterMs > 0 && refused.retryAfterMs <= rule.windowMs).toBe(true);
  });

  it('counts a turn of more hits than one script call takes, in order', async () => {
    const node = limiter(randomPrefix());
    const many = { limit: 700, windowMs: 60_000 };
    const verdicts = await Promise.all(Array.from({ length: 1200 }, () => node.hit('k', many, Date.now())));
    expect(verdicts.findIndex((v) => !v.ok)).toBe(700);
    expect(verdicts.filter((v) => v.ok)).toHaveLength(700);
  });

  it('keeps counting after Redis forgot its script (as after a restart)', async () => {
    const node = limiter(randomPrefix());
    expect(await node.hit('k', rule, Date.now())).toEqual({ ok: true });
    await flushScripts(redis.url);
    expect(await node.hit('k', rule, Date.now())).toEqual({ ok: true });
    expect(await node.hit('k', rule, Date.now())).toEqual({ ok: true });
    expect((await node.hit('k', rule, Date.now())).ok).toBe(false);
  });

  it('gives every counter an expiry, so no key outlives its window', async () => {
    const prefix = randomPrefix();
    const client = new Redis(redis.url);
    try {
      const borrowed = new RedisRateLimiter({ client, prefix });
      prefixes.push(prefix);
      await borrowed.hit('k', rule, Date.now());
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      expect(keys).toHaveLength(1);
      const ttl = await client.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(rule.windowMs);
      await borrowed.close();
      expect(await client.ping()).toBe('PONG'); // a borrowed client stays open
    } finally {
      await client.quit();
    }
  });
});
