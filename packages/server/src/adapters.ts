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
    return openPostgresStore({ url: config.databaseUrl });
  }
  const file = config.databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
  if (file === ':memory:') {
    const { openSqliteStore } = await import('./store/sqlite/sqlite-store');
    return openSqliteStore({ path: file, synchronous: config.sqliteSynchronous });
  }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // A file: writes on a writer thread, reads here (see threaded-store.ts).
  const { openThreadedSqliteStore } = await import('./store/sqlite/threaded-store');
  return openThreadedSqliteStore({ path: file, synchronous: config.sqliteSynchronous, log: opts.log });
}

export interface SharedAdapters {
  bus: Bus;
  presence: PresenceRegistry;
  limiter: RateLimiter;
}

export async function openShared(config: Config): Promise<SharedAdapters> {
  if (!config.redisUrl) return { bus: new LocalBus(), presence: new MemoryPresence(), limiter: new MemoryRateLimiter() };
  const [{ RedisBus }, { RedisPresence }, { RedisRateLimiter }] = await Promise.all([
    import('./bus/redis'),
    import('./presence/redis'),
    import('./rate-limit/redis'),
  ]);
  const { redisUrl: url, redisPrefix: prefix } = config;
  return {
    bus: new RedisBus({ url, prefix, nodeName: config.nodeId }),
    presence: new RedisPresence({ url, prefix }),
    limiter: new RedisRateLimiter({ url, prefix }),
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
  return new WebPushSender({ keys, subject: cfg?.vapidSubject ?? 'mailto:admin@parley.invalid', allowInsecure: cfg?.pushAllowInsecure ?? false });
}
