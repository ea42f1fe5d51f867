/**
 * Chooses adapters from configuration only: a postgres:// PARLEY_DATABASE_URL selects
 * PostgreSQL, anything else is a SQLite file; PARLEY_REDIS_URL selects the Redis bus,
 * presence and rate limits, else they are in-process; PARLEY_BLOB_STORE the blob store.
 * Media inspection and browser push have one adapter each.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { isPostgresUrl, type Config } from './config';
import type { Bus } from './bus/port';
import type { PresenceRegistry } from './presence/port';
import type { RateLimiter } from './rate-limit/port';
import type { Store } from './store/port';
import type { Metrics } from './metrics';
import { LocalBus } from './bus/local';
import { MemoryPresence } from './presence/memory';
import { MemoryRateLimiter } from './rate-limit/memory';
import type { BlobStore } from './blobs/port';
import { openBlobStore } from './blobs/open-blob-store';
import type { MediaInspector } from './media/port';
import { sharpInspector } from './media/sharp-inspector';
import type { PushSender, VapidKeys } from './push/port';
import { WebPushSender } from './push/web-push-sender';

/** `log` hears about storage trouble the store recovers from itself (a restarted SQLite writer). */
export async function openStore(config: Config, opts: { log?: Logger } = {}): Promise<Store> {
  if (isPostgresUrl(config.databaseUrl)) {
    const { openPostgresStore } = await import('./store/postgres/postgres-store');
    const statementMs = config.dbTimeoutMs ?? 5000;
    return openPostgresStore({
      url: config.databaseUrl,
      timeouts: { statementMs, lockMs: Math.min(config.dbLockTimeoutMs ?? 2000, statementMs), idleInTransactionMs: statementMs * 3 },
    });
  }
  const file = config.databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
  if (file === ':memory:') {
    const { openSqliteStore } = await import('./store/sqlite/sqlite-store');
    return openSqliteStore({ path: file, synchronous: config.sqliteSynchronous });
  }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // A file: writes on a writer thread, reads here (see threaded-store.ts).
  const { openThreadedSqliteStore } = await import('./store/sqlite/threaded-store');
  return openThreadedSqliteStore({ path: file, synchronous: config.sqliteSynchronous, log: opts.log, ...(config.diskMinFreeBytes !== undefined ? { minFreeBytes: config.diskMinFreeBytes } : {}) });
}

export interface SharedAdapters {
  bus: Bus;
  presence: PresenceRegistry;
  limiter: RateLimiter;
}

export interface SharedOptions {
  /** Hears about dependencies failing and recovering. */
  log?: Logger;
  /** The node's metrics (fallback counts). */
  metrics?: Metrics;
}

export async function openShared(config: Config, opts: SharedOptions = {}): Promise<SharedAdapters> {
  const maxKeys = config.rateLimitMemoryKeys;
  if (!config.redisUrl) return { bus: new LocalBus(), presence: new MemoryPresence(), limiter: new MemoryRateLimiter({ maxKeys }) };
  const [{ RedisBus }, { RedisPresence }, { RedisRateLimiter }, { FailOpenRateLimiter }] = await Promise.all([
    import('./bus/redis'),
    import('./presence/redis'),
    import('./rate-limit/redis'),
    import('./rate-limit/fail-open'),
  ]);
  const { redisUrl: url, redisPrefix: prefix } = config;
  const deadlineMs = config.redisTimeoutMs ?? 250;
  // Rate limits fail open to a per-node limiter (fail-open.ts); presence calls fail fast
  // (4× the deadline: a heartbeat renews many connections in one call).
  const limiter = new FailOpenRateLimiter(new RedisRateLimiter({ url, prefix, commandTimeoutMs: deadlineMs }), {
    deadlineMs,
    localMaxKeys: maxKeys,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.metrics ? { onFallback: () => opts.metrics!.rateLimitFallbacks.inc() } : {}),
  });
  return {
    bus: new RedisBus({ url, prefix, nodeName: config.nodeId }),
    presence: new RedisPresence({ url, prefix, commandTimeoutMs: deadlineMs * 4 }),
    limiter,
  };
}

export function openBlobs(config: Config): BlobStore {
  return openBlobStore(config);
}

export function openMedia(): MediaInspector {
  return sharpInspector;
}

/** Web Push signed with the deployment's VAPID pair (`keys`, loaded on first push). */
export function openPushSender(config: Config, keys: () => VapidKeys): PushSender {
  const cfg = config.notifications;
  return new WebPushSender({ keys, subject: cfg?.vapidSubject ?? 'mailto:admin@parley.invalid', allowInsecure: cfg?.pushAllowInsecure ?? false, outbound: { allowPorts: config.outbound?.allowPorts ?? [443] } });
}
