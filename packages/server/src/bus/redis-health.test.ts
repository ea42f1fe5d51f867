/**
 * healthy() means the bus delivers, not only that its connections are open: a Redis
 * that hangs (SIGSTOP: connections stay up, nothing answers) turns it false, and it
 * turns true again by itself once Redis answers (issue 16.4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunRedisServer, startOwnRedis, type OwnRedis } from '../test-support/own-redis';
import { RedisBus } from './redis';

const available = await canRunRedisServer();
if (!available && process.env.PARLEY_REQUIRE_SERVICES === '1') throw new Error('redis-server not found; PARLEY_REQUIRE_SERVICES=1 makes this a failure');

const until = async (what: string, check: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(!available)(`RedisBus health round trip${available ? '' : ' — SKIPPED: redis-server not found'}`, () => {
  let redis: OwnRedis;
  let bus: RedisBus;

  beforeAll(async () => {
    redis = await startOwnRedis();
    bus = new RedisBus({ url: redis.url, prefix: 'parley-test:health:', probeIntervalMs: 100 });
  });

  afterAll(async () => {
    redis.resume();
    await bus.close();
    await redis.stop();
  });

  it('is unhealthy while Redis hangs with its connections open, healthy again after', async () => {
    await until('healthy', () => bus.healthy());
    redis.pause();
    await until('unhealthy while hung', () => !bus.healthy());
    // The connections themselves never noticed: only the round trip did.
    expect((bus as unknown as { sub: { status: string } }).sub.status).toBe('ready');
    redis.resume();
    await until('healthy again', () => bus.healthy());
  });
});
