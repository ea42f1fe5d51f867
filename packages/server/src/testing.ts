/**
 * Test helpers: real Parley nodes in this process, listening on port 0. Several nodes
 * can share one store and one in-process bus hub, the way production nodes share
 * PostgreSQL and Redis.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type ParleyApp } from './app';
import { LocalBusHub } from './bus/local';
import type { Bus } from './bus/port';
import { loadConfig, type Config } from './config';
import type { Logger } from 'pino';
import { createLogger } from './logger';
import { MemoryPresence } from './presence/memory';
import { MemoryRateLimiter } from './rate-limit/memory';
import type { PresenceRegistry } from './presence/port';
import type { RateLimiter } from './rate-limit/port';
import type { Store } from './store/port';
import { openStore } from './adapters';

export interface TestNode {
  url: string;
  wsUrl: string;
  app: ParleyApp;
  close(): Promise<void>;
}

export interface TestClusterOptions {
  nodes?: number;
  store?: Store;
  /** One bus endpoint per node; defaults to endpoints of one in-process hub. */
  buses?: Bus[];
  presence?: PresenceRegistry;
  limiter?: RateLimiter;
  config?: Partial<Config>;
  clock?: () => number;
  /** Where the nodes log (default: stdout at config.logLevel, silent in tests). */
  log?: Logger;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    PARLEY_DATA_DIR: path.join(os.tmpdir(), `parley-test-${randomBytes(6).toString('hex')}`),
    PARLEY_DATABASE_URL: ':memory:',
    PARLEY_LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? 'silent',
    PARLEY_WEB_DIR: path.join(os.tmpdir(), 'parley-no-web'),
  });
  return { ...base, ...overrides };
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<{ nodes: TestNode[]; store: Store; close(): Promise<void> }> {
  const config = testConfig(opts.config);
  const ownsStore = !opts.store;
  const store = opts.store ?? (await openStore(config));
  const hub = new LocalBusHub();
  const presence = opts.presence ?? new MemoryPresence();
  const limiter = opts.limiter ?? new MemoryRateLimiter();
  const jwtSecret = randomBytes(32);
  const count = opts.nodes ?? 1;
  const nodes: TestNode[] = [];
  for (let i = 0; i < count; i++) {
    const bus = opts.buses?.[i] ?? hub.endpoint();
    const app = await buildApp({
      config: { ...config, nodeId: `test-node-${i + 1}` },
      store,
      bus,
      presence,
      limiter,
      log: opts.log ?? createLogger(config.logLevel, { node: i + 1 }),
      jwtSecret,
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    const url = (await app.listen(0, '127.0.0.1')).replace('localhost', '127.0.0.1');
    nodes.push({
      url,
      wsUrl: url.replace(/^http/, 'ws') + '/ws',
      app,
      async close() {
        await app.close();
        await bus.close();
      },
    });
  }
  return {
    nodes,
    store,
    async close() {
      for (const n of nodes) await n.close();
      if (ownsStore) await store.close();
    },
  };
}

/** One node on in-memory SQLite: what most tests need. */
export async function startTestServer(opts: Omit<TestClusterOptions, 'nodes'> = {}): Promise<TestNode & { store: Store }> {
  const cluster = await startTestCluster({ ...opts, nodes: 1 });
  const node = cluster.nodes[0]!;
  return { ...node, store: cluster.store, close: () => cluster.close() };
}
