/**
 * The embedded storage adapter (the default): one better-sqlite3 connection per store.
 *
 * better-sqlite3 is synchronous, so every port call runs to completion on the event
 * loop before the next one starts: calls from one process never interleave, and write
 * transactions start with BEGIN IMMEDIATE so other processes on the same file are
 * serialised by SQLite's lock (busy_timeout waits for it) instead of failing mid-way.
 */
import Database from 'better-sqlite3';
import type { Store } from '../port';
import { StoreError } from '../port';
import { createSqliteAttachments } from './attachments';
import { createSqliteSearch } from './search';
import { createSqlitePrivacy } from './privacy';
import { createSqliteMaintenance } from './maintenance';
import { createSqliteModeration } from './moderation';
import { createSqliteNotifications } from './notifications';
import { createContext, type SyncStore } from './context';
import { conversationMethods } from './conversations';
import { translateSqliteError } from './errors';
import { messageMethods } from './messages';
import { migrateSqlite } from './migrations';
import { receiptMethods } from './receipts';
import { userMethods } from './users';
import { viewMethods } from './views';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  /** FULL (default) survives power loss; NORMAL in WAL mode may lose the last commits on power loss but never corrupts. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's lock before UNAVAILABLE. */
  busyTimeoutMs?: number;
  /**
   * Refuse every write on this connection (PRAGMA query_only): the main thread's
   * connection when a writer thread does the writes (threaded-store.ts).
   */
  queryOnly?: boolean;
  /**
   * WAL size in pages that triggers a checkpoint after a commit (SQLite's default is
   * 1,000). The writer thread raises it: each checkpoint copies every page changed since
   * the last one back into the database file and fsyncs it, so fewer, larger
   * checkpoints copy a page written by many commits once instead of once per commit.
   */
  walAutocheckpointPages?: number;
}

export function openSqliteStore(opts: SqliteStoreOptions): Store {
  return openSqlite(opts).store;
}

/**
 * The store and a way to run many of its calls in one transaction: the writer thread
 * (writer-worker.ts) commits every write waiting for it with one commit. Calls made
 * inside `transaction` nest as savepoints, so a call that fails undoes only its own
 * changes; the caller awaits their promises after the commit.
 */
export function openSqlite(opts: SqliteStoreOptions): { store: Store; transaction<T>(fn: () => T): T; inTransaction(): boolean } {
  let db: Database.Database;
  try {
    db = new Database(opts.path);
  } catch (err) {
    // e.g. a missing directory or no permission: the storage is not there to use.
    throw new StoreError('UNAVAILABLE', 'cannot open the database', { cause: err });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    migrateSqlite(db);
    if (opts.walAutocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.trunc(opts.walAutocheckpointPages))}`);
    if (opts.queryOnly) db.pragma('query_only = ON');
  } catch (err) {
    db.close();
    throw translateSqliteError(err);
  }

  const ctx = createContext(db);
  const sync: SyncStore = {
    ...userMethods(ctx),
    ...conversationMethods(ctx),
    ...viewMethods(ctx),
    ...messageMethods(ctx),
    ...receiptMethods(ctx),
  };

  const guarded = Object.fromEntries(
    Object.entries(sync).map(([name, fn]) => [
      name,
      (...args: unknown[]) => ctx.guard(() => (fn as (...a: unknown[]) => unknown)(...args)),
    ]),
  ) as unknown as Omit<Store, 'backend' | 'writesInOrder' | 'ping' | 'close' | 'attachments' | 'search' | 'privacy' | 'maintenance' | 'moderation' | 'notifications'>;

  const store: Store = {
    backend: 'sqlite',
    writesInOrder: true,
    ...guarded,
    attachments: createSqliteAttachments(ctx),
    search: createSqliteSearch(ctx),
    privacy: createSqlitePrivacy(ctx),
    maintenance: createSqliteMaintenance(ctx),
    moderation: createSqliteModeration(ctx),
    notifications: createSqliteNotifications(ctx),
    async ping() {
      await ctx.guard(() => db.prepare('SELECT 1').get());
    },
    async close() {
      if (db.open) db.close();
    },
  };
  return { store, transaction: (fn) => ctx.write(fn), inTransaction: () => db.inTransaction };
}
