/**
 * The PostgreSQL adapter of the storage port (production mode: several stateless
 * server nodes on one database). Opening it creates the schema if asked, runs pending
 * migrations and makes sure this and next months' message partitions exist.
 */
import { createPostgresAttachments } from './attachments';
import { createPostgresSearch } from './search';
import { createPostgresPrivacy } from './privacy';
import { createPostgresMaintenance } from './maintenance';
import { createPostgresModeration } from './moderation';
import { createPostgresNotifications } from './notifications';
import type { Store } from '../port';
import { appendMessages } from './append-messages';
import { conversationQueries } from './conversations';
import { connect, type ConnectOptions, type Sql } from './db';
import { guarded, isUniqueViolation, translateError } from './errors';
import { messageQueries } from './messages';
import { migratePostgres } from './migrations';
import { ensurePartitions } from './partitions';
import { receiptQueries } from './receipts';
import { userQueries } from './users';
import { viewQueries } from './views';

export interface PostgresStoreOptions extends ConnectOptions {
  /** Months of message partitions created ahead of the current one on open (default 2). */
  partitionMonthsAhead?: number;
  /** Clock for partition upkeep (default Date.now). */
  now?: () => number;
  /**
   * How often a running node re-ensures the coming months' partitions (default 6 h;
   * 0 disables). Without it a node running across a month boundary would send new
   * messages to the DEFAULT partition until restarted.
   */
  partitionUpkeepMs?: number;
  /** Told when periodic upkeep fails (the store keeps working; rows land in DEFAULT). */
  onUpkeepError?: (err: unknown) => void;
}

/** Wraps every method so driver errors leave as StoreError (see errors.ts). */
function guardAll<T extends object>(methods: T): T {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(methods)) {
    out[name] = typeof fn === 'function' ? (...args: unknown[]) => guarded(() => fn(...args)) : fn;
  }
  return out as T;
}

export function createPostgresStore(sql: Sql, onClose: () => void = () => {}): Store {
  const methods = guardAll({
    ...userQueries(sql),
    ...conversationQueries(sql),
    ...messageQueries(sql),
    ...viewQueries(sql),
    ...receiptQueries(sql),
    appendMessages: (inputs: Parameters<Store['appendMessages']>[0]) => appendMessages(sql, inputs),
    async ping(): Promise<void> {
      await sql`SELECT 1`;
    },
  });
  return {
    backend: 'postgres',
    writesInOrder: false,
    attachments: createPostgresAttachments(sql),
    search: createPostgresSearch(sql),
    privacy: createPostgresPrivacy(sql),
    maintenance: createPostgresMaintenance(sql),
    moderation: createPostgresModeration(sql),
    notifications: createPostgresNotifications(sql),
    ...methods,
    async close(): Promise<void> {
      onClose();
      await sql.end({ timeout: 5 });
    },
  };
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const sql = connect(opts);
  const now = opts.now ?? Date.now;
  const monthsAhead = opts.partitionMonthsAhead ?? 2;
  try {
    if (opts.schema !== undefined) {
      // IF NOT EXISTS still races when several nodes start at once (a unique violation on
      // pg_namespace); whoever lost the race finds the schema there, which is all it needs.
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql(opts.schema)}`.catch((err: unknown) => {
        if (!isUniqueViolation(err)) throw err;
      });
    }
    await migratePostgres(sql);
    await ensurePartitions(sql, now(), monthsAhead);
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw translateError(err);
  }
  const every = opts.partitionUpkeepMs ?? 6 * 60 * 60 * 1000;
  if (every <= 0) return createPostgresStore(sql);
  const timer = setInterval(() => {
    ensurePartitions(sql, now(), monthsAhead).catch((err: unknown) => opts.onUpkeepError?.(translateError(err)));
  }, every);
  timer.unref();
  return createPostgresStore(sql, () => clearInterval(timer));
}
