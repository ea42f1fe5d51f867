/**
 * Versioned, forward-only schema migrations. Each runs in its own transaction together
 * with its row in schema_migrations, so a crash leaves the schema at a known version.
 * Re-running is a no-op.
 */
import type { Database } from 'better-sqlite3';
import { initialSchema } from './migrations/0001-initial';
import { attachmentsSchema } from './migrations/0002-attachments';
import { searchSchema } from './migrations/0004-search';
import { privacySchema } from './migrations/0006-privacy';
import { moderationSchema } from './migrations/0007-moderation';
import { notificationsSchema } from './migrations/0008-notifications';
import { searchIndexOnAppendSchema } from './migrations/0009-search-index-on-append';
import { attachmentReleaseSchema } from './migrations/0010-attachment-release';
import { eventsRowidSchema } from './migrations/0011-events-rowid';
import { membershipVersionsSchema } from './migrations/0012-membership-versions';
import { avatarsServedByParleySchema } from './migrations/0013-avatars-served-by-parley';
import { peopleSearchSchema } from './migrations/0014-people-search';
import { historyVisibilitySchema } from './migrations/0015-history-visibility';
import { typedMessageContentSchema } from './migrations/0016-typed-message-content';
import { notificationCoalescingFunctions, notificationCoalescingSchema } from './migrations/0017-notification-coalescing';

export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
  /** SQL functions the step calls (registered on the connection before it runs). */
  functions?: Readonly<Record<string, (...args: string[]) => unknown>>;
}

/** Ordered by version; append only. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  { version: 1, name: 'initial', sql: initialSchema },
  { version: 2, name: 'attachments', sql: attachmentsSchema },
  { version: 4, name: 'search', sql: searchSchema },
  { version: 6, name: 'privacy', sql: privacySchema },
  { version: 7, name: 'moderation', sql: moderationSchema },
  { version: 8, name: 'notifications', sql: notificationsSchema },
  { version: 9, name: 'search index on append', sql: searchIndexOnAppendSchema },
  { version: 10, name: 'attachment release', sql: attachmentReleaseSchema },
  { version: 11, name: 'events as a rowid table', sql: eventsRowidSchema },
  { version: 12, name: 'membership versions', sql: membershipVersionsSchema },
  { version: 13, name: 'avatars served by parley', sql: avatarsServedByParleySchema },
  { version: 14, name: 'people search', sql: peopleSearchSchema },
  { version: 15, name: 'history visibility', sql: historyVisibilitySchema },
  { version: 16, name: 'typed message content', sql: typedMessageContentSchema },
  { version: 17, name: 'notification coalescing', sql: notificationCoalescingSchema, functions: notificationCoalescingFunctions },
];

/** Runs one step's SQL (with the functions it needs), without recording it. */
export function applySqliteMigration(db: Database, migration: SqliteMigration): void {
  for (const [name, fn] of Object.entries(migration.functions ?? {})) db.function(name, { deterministic: true }, fn);
  db.exec(migration.sql);
}

export function migrateSqlite(db: Database, now: () => number = Date.now): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const applied = new Set(listAppliedMigrations(db));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const newlyApplied: number[] = [];
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      applySqliteMigration(db, migration);
      record.run(migration.version, migration.name, now());
    }).immediate();
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}

/** Versions already applied, ascending. */
export function listAppliedMigrations(db: Database): number[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return [];
  return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
}
