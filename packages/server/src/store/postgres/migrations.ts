/**
 * Versioned, forward-only schema migrations. Each step is applied once, in order, in
 * the same transaction that records it in schema_migrations. A transaction-scoped
 * advisory lock (keyed by the current schema) makes nodes that start together queue
 * up: the first one migrates, the others then find nothing left to do.
 *
 * Never edit a released step; add a new one.
 */
import type { Sql, Tx } from './db';
import { ADVISORY_CLASS, type Migration } from './migrations/step';
import { usersAndSessionsStep } from './migrations/0001-users-and-sessions';
import { conversationsMembersAndTheEventLogStep } from './migrations/0002-conversations-and-events';
import { messagesPartitionedByMonthStep } from './migrations/0003-messages-partitioned-by-month';
import { perUserEventLogStep } from './migrations/0004-per-user-event-log';
import { eventLogWithoutAForeignKeyCheckPerEventStep } from './migrations/0005-events-without-fk-check';
import { attachmentsStep } from './migrations/0006-attachments';
import { searchStep } from './migrations/0008-search';
import { privacyStep } from './migrations/0010-privacy';
import { moderationStep } from './migrations/0011-moderation';
import { notificationsStep } from './migrations/0012-notifications';
import { attachmentReleaseStep } from './migrations/0014-attachment-release';
import { membershipVersionsStep } from './migrations/0015-membership-versions';
import { avatarsServedByParleyStep } from './migrations/0016-avatars-served-by-parley';
import { peopleSearchStep } from './migrations/0017-people-search';
import { historyVisibilityStep } from './migrations/0018-history-visibility';
import { typedMessageContentStep } from './migrations/0019-typed-message-content';
import { notificationCoalescingStep } from './migrations/0020-notification-coalescing';

export { ADVISORY_CLASS, type Migration };

/** Ordered by version; append only. One file per step in migrations/. */
export const MIGRATIONS: readonly Migration[] = [
  usersAndSessionsStep,
  conversationsMembersAndTheEventLogStep,
  messagesPartitionedByMonthStep,
  perUserEventLogStep,
  eventLogWithoutAForeignKeyCheckPerEventStep,
  attachmentsStep,
  searchStep,
  privacyStep,
  moderationStep,
  notificationsStep,
  attachmentReleaseStep,
  membershipVersionsStep,
  avatarsServedByParleyStep,
  peopleSearchStep,
  historyVisibilityStep,
  typedMessageContentStep,
  notificationCoalescingStep,
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

async function ensureLedger(tx: Tx): Promise<void> {
  await tx`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )
  `;
}

async function appliedIn(db: Sql | Tx): Promise<number[]> {
  const rows = await db<{ version: number }[]>`
    SELECT version FROM schema_migrations ORDER BY version
  `;
  return rows.map((r) => r.version);
}

/**
 * Applies every pending step up to `target` (default: all). Safe to call from many
 * processes at once. Returns the versions applied by this call.
 */
export async function migratePostgres(sql: Sql, opts: { target?: number } = {}): Promise<number[]> {
  const target = opts.target ?? LATEST_VERSION;
  return (await sql.begin(async (tx) => {
    // Migrations (and the wait for another node's) may take longer than a request may.
    await tx`SET LOCAL statement_timeout = 0`;
    await tx`SET LOCAL lock_timeout = 0`;
    await tx`SELECT pg_advisory_xact_lock(${ADVISORY_CLASS}, hashtext(coalesce(current_schema(), '')))`;
    await ensureLedger(tx);
    const done = new Set(await appliedIn(tx));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version > target || done.has(m.version)) continue;
      await tx.unsafe(m.up);
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
      applied.push(m.version);
    }
    return applied;
  })) as number[];
}

/** Versions recorded in schema_migrations, ascending (empty before the first migration). */
export async function appliedMigrations(sql: Sql): Promise<number[]> {
  const [exists] = await sql<{ present: boolean }[]>`
    SELECT to_regclass('schema_migrations') IS NOT NULL AS present
  `;
  if (!exists?.present) return [];
  return appliedIn(sql);
}
