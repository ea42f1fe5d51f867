/**
 * Redis hung (SIGSTOP) or down (killed) while the database is fine: authenticated
 * requests still answer, counted by the node's local fallback limiter, which still
 * limits; presence reads answer "offline" instead of hanging; once Redis is back the
 * shared limiter takes over again by itself (issue 16.4).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ParleyApp } from '../app';
import { openShared, openStore, type SharedAdapters } from '../adapters';
import { createLogger } from '../logger';
import { createMetrics, type Metrics } from '../metrics';
import type { FailOpenRateLimiter } from '../rate-limit/fail-open';
import type { Store } from '../store/port';
import { testConfig } from '../testing';
import { canRunRedisServer, startOwnRedis, type OwnRedis } from '../test-support/own-redis';
import { registerUser, testRateLimits } from '../test-support/users';

const REQUESTS = 6;
const available = await canRunRedisServer();
if (!available && process.env.PARLEY_REQUIRE_SERVICES === '1') throw new Error('redis-server not found; PARLEY_REQUIRE_SERVICES=1 makes this a failure');

describe.skipIf(!available)(`a node whose Redis hangs or dies${available ? '' : ' — SKIPPED: redis-server not found'}`, () => {
  let redis: OwnRedis;
  let store: Store;
  let shared: SharedAdapters;
  let app: ParleyApp;
  let metrics: Metrics;
  let url: string;

  beforeAll(async () => {
    redis = await startOwnRedis();
    const config = testConfig({ redisUrl: redis.url, redisPrefix: `parley-test:${randomBytes(4).toString('hex')}:`, rateLimits: testRateLimits({ request: { limit: REQUESTS, windowMs: 60_000 } }) });
    const log = createLogger(config.logLevel);
    store = await openStore(config);
    metrics = createMetrics();
    shared = await openShared(config, { log, metrics });
    app = await buildApp({ config, store, ...shared, log, metrics, jwtSecret: randomBytes(32) });
    url = (await app.listen(0, '127.0.0.1')).replace('localhost', '127.0.0.1');
  });

  afterAll(async () => {
    redis?.resume();
    await app?.close();
    await Promise.allSettled([shared?.bus.close(), shared?.presence.close(), shared?.limiter.close()]);
    await store?.close();
    await redis?.stop();
  });

  const limiter = () => shared.limiter as FailOpenRateLimiter;
  const waitUntil = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 50));
  };

  /** A fresh user's `REQUESTS` requests pass, the next is refused: the limit holds whoever counts. */
  async function limitedOnThisNode(): Promise<void> {
    const u = await registerUser(url, 'outage');
    const other = await registerUser(url, 'other');
    const profile = await u.api.get(`/api/users/${other.id}`);
    expect(profile.status).toBe(200);
    expect(profile.body.presence.status).toBe('offline');
    for (let i = 1; i < REQUESTS; i++) expect((await u.api.get('/api/me')).status).toBe(200);
    const refused = await u.api.get('/api/me');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
  }

  it('answers while Redis is hung, still limiting; the shared limiter takes over again after', async () => {
    expect((await (await registerUser(url, 'before')).api.get('/api/me')).status).toBe(200);
    expect(limiter().usingFallback).toBe(false);
    redis.pause();
    const fallbacks = async () => (await metrics.rateLimitFallbacks.get()).values[0]?.value ?? 0;
    const before = await fallbacks();
    await limitedOnThisNode();
    expect(limiter().usingFallback).toBe(true);
    expect(await fallbacks()).toBeGreaterThan(before);
    redis.resume();
    const u = await registerUser(url, 'after');
    await waitUntil(async () => (await u.api.get('/api/me')).status === 200 && !limiter().usingFallback);
  });

  it('answers while Redis is down, still limiting; recovers when it is back', async () => {
    await redis.kill();
    await limitedOnThisNode();
    expect(limiter().usingFallback).toBe(true);
    await redis.start();
    const u = await registerUser(url, 'back');
    await waitUntil(async () => (await u.api.get('/api/me')).status === 200 && !limiter().usingFallback);
  });
});
