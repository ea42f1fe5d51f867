import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type ParleyApp } from '../app';
import { openStore } from '../adapters';
import { LocalBusHub } from '../bus/local';
import { createLogger } from '../logger';
import { MemoryPresence } from '../presence/memory';
import { MemoryRateLimiter } from '../rate-limit/memory';
import type { Store } from '../store/port';
import { testConfig } from '../testing';

/** A node whose log lines are collected as parsed JSON. */
async function nodeLoggingAt(level: string): Promise<{ app: ParleyApp; store: Store; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const config = testConfig({ logLevel: level });
  const store = await openStore(config);
  const log = createLogger(level, {}, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const app = await buildApp({ config, store, bus: new LocalBusHub().endpoint(), presence: new MemoryPresence(), limiter: new MemoryRateLimiter(), log, jwtSecret: randomBytes(32) });
  return { app, store, lines };
}

describe('request logs', () => {
  let open: { app: ParleyApp; store: Store } | null = null;
  afterEach(async () => {
    await open?.app.close();
    await open?.store.close();
    open = null;
  });

  const walk = async (app: ParleyApp) => {
    await app.http.inject({ method: 'GET', url: '/healthz' });
    await app.http.inject({ method: 'GET', url: '/api/users?prefix=secret%20words' });
    await app.http.inject({ method: 'GET', url: '/api/nothing-here' });
  };

  it('are silent at the default level, info', async () => {
    const node = (open = await nodeLoggingAt('info'));
    await walk(node.app);
    expect(node.lines).toEqual([]);
  });

  it('are one line per request at debug, naming the route pattern, never a query value', async () => {
    const node = (open = await nodeLoggingAt('debug'));
    await walk(node.app);
    const requests = node.lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.method, l.route, l.status])).toEqual([
      ['GET', '/healthz', 200],
      ['GET', '/api/users', 401],
      ['GET', 'unknown', 404],
    ]);
    expect(requests[1]?.url).toBe('/api/users?prefix=[redacted]');
    expect(JSON.stringify(node.lines)).not.toContain('secret');
  });
});
