/**
 * Test support for the Redis adapters (bus, presence, rate limits): where Redis is,
 * whether to skip, and a random key prefix that is deleted afterwards.
 *
 * Usage in a test file (top-level await is fine in vitest):
 *   const redis = await redisTestEnv();
 *   describe.skipIf(!redis.available)(`RedisX${redis.skipNote}`, () => { ... });
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface RedisTestEnv {
  url: string;
  available: boolean;
  /** '' when available, otherwise a " — SKIPPED: ..." suffix for the suite title. */
  skipNote: string;
}

export async function redisTestEnv(): Promise<RedisTestEnv> {
  const url = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    await probe.quit();
    return { url, available: true, skipNote: '' };
  } catch (err) {
    probe.disconnect();
    const reason = `Redis unreachable at ${redactUrl(url)} (${(err as Error).message})`;
    if (process.env.PARLEY_REQUIRE_SERVICES === '1') {
      throw new Error(`${reason}; PARLEY_REQUIRE_SERVICES=1 makes this a failure`, { cause: err });
    }
    console.warn(`[parley tests] skipping Redis suites: ${reason}`);
    return { url, available: false, skipNote: ` — SKIPPED: ${reason}` };
  }
}

/** A prefix no other test run shares, e.g. `parley-test:3f9a…:`. */
export function randomPrefix(): string {
  return `parley-test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

/**
 * Empties Redis's script cache, as a restart does: the adapters' next script calls get
 * NOSCRIPT and must send the script itself. Harmless to other tests sharing the server.
 */
export async function flushScripts(url: string): Promise<void> {
  const client = new Redis(url);
  try {
    await client.script('FLUSH');
  } finally {
    await client.quit();
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
