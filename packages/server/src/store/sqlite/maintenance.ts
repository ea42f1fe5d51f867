/**
 * The maintenance sub-port on SQLite: retention in bounded batches, each its own write
 * transaction, oldest messages first (messages_created, migration 0006).
 */
import { DAY_MS, type MaintenanceStore } from '../maintenance-port';
import type { SqliteContext } from './context';
import { EVENT_IS_MESSAGE, EVENT_MESSAGE_ID } from './migrations/0006-privacy';

const DEFAULT_BATCH = 500;

export function createSqliteMaintenance(ctx: SqliteContext): MaintenanceStore {
  const { db } = ctx;
  const oldest = db.prepare('SELECT rowid AS rid, id FROM messages WHERE created_at < ? ORDER BY created_at LIMIT ?');
  // A content-free message.deleted stub at the same seq keeps the log gapless.
  const stubEvents = db.prepare(`UPDATE events
    SET type = 'message.deleted', payload = json_object('messageId', ${EVENT_MESSAGE_ID})
    WHERE type IN ('message.created', 'message.edited') AND ${EVENT_IS_MESSAGE}
      AND ${EVENT_MESSAGE_ID} IN (SELECT value FROM json_each(?))`);
  // Released, not just detached: see attachments-port.ts.
  const detachFiles = db.prepare(`UPDATE attachments SET message_id = NULL, conversation_id = NULL, released_at = @at
    WHERE id IN (SELECT json_extract(a.value, '$.id') FROM messages m, json_each(m.attachments) a
                 WHERE m.rowid IN (SELECT value FROM json_each(@rowids)) AND m.attachments IS NOT NULL)`);
  // hidden_messages and the search index follow by ON DELETE CASCADE and triggers.
  const deleteMessages = db.prepare('DELETE FROM messages WHERE rowid IN (SELECT value FROM json_each(?))');

  return {
    async run({ now, retentionDays, batchSize = DEFAULT_BATCH }) {
      const report = { deletedMessages: 0, detachedFiles: 0, createdPartitions: [], droppedPartitions: [] };
      if (retentionDays === null) return report;
      const cutoff = now - retentionDays * DAY_MS;
      for (;;) {
        const done = await ctx.guard(() =>
          ctx.write(() => {
            const victims = oldest.all(cutoff, batchSize) as { rid: number; id: string }[];
            if (victims.length === 0) return true;
            const rowids = JSON.stringify(victims.map((v) => v.rid));
            stubEvents.run(JSON.stringify(victims.map((v) => v.id)));
            report.detachedFiles += detachFiles.run({ rowids, at: now }).changes;
            report.deletedMessages += deleteMessages.run(rowids).changes;
            return victims.length < batchSize;
          }),
        );
        if (done) return report;
        // Let other work in between batches (better-sqlite3 is synchronous).
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
