/**
 * The maintenance sub-port on PostgreSQL: partitions created ahead, then retention —
 * whole expired months dropped (dropPartitionsOlderThan), the boundary month deleted in
 * bounded batches (messages_created_idx, migration 10), each its own transaction.
 *
 * Before any message goes, every log entry about it becomes a content-free
 * message.deleted stub at the same seq, with events.message_id cleared so the partition
 * drop (which deletes the entries it can still link to its messages) leaves the stubs.
 */
import { DAY_MS, type MaintenanceReport, type MaintenanceStore } from '../maintenance-port';
import type { Sql, Tx } from './db';
import { guarded } from './errors';
import { dropPartitionsOlderThan, ensurePartitions, listPartitions } from './partitions';

const DEFAULT_BATCH = 500;
const MONTHS_AHEAD = 2;

/** Turns every log entry about these messages into a stub, and releases their files (attachments-port.ts). */
async function stubAndDetach(tx: Tx, ids: string[], attachmentIds: string[], at: number): Promise<number> {
  await tx`
    UPDATE events SET
      type = 'message.deleted',
      message_id = NULL,
      payload = jsonb_build_object('type', 'message.deleted', 'conversationId', conversation_id, 'seq', seq,
                                   'actorId', actor_id, 'at', at, 'messageId', message_id)
    WHERE message_id = ANY(${ids}::text[])
  `;
  if (attachmentIds.length === 0) return 0;
  const detached = await tx`
    UPDATE attachments SET message_id = NULL, conversation_id = NULL, released_at = ${at} WHERE id = ANY(${attachmentIds}::text[])
  `;
  return detached.count;
}

function attachmentIdsOf(rows: { attachments: { id: string }[] | null }[]): string[] {
  return rows.flatMap((r) => (r.attachments ?? []).map((a) => a.id));
}

export function createPostgresMaintenance(sql: Sql): MaintenanceStore {
  return {
    run: ({ now, retentionDays, batchSize = DEFAULT_BATCH }) =>
      guarded(async () => {
        const report: MaintenanceReport = { deletedMessages: 0, detachedFiles: 0, createdPartitions: [], droppedPartitions: [] };
        report.createdPartitions = await ensurePartitions(sql, now, MONTHS_AHEAD);
        if (retentionDays === null) return report;
        const cutoff = now - retentionDays * DAY_MS;

        // Whole months: stub their log entries a batch at a time, then drop the tables.
        for (const part of (await listPartitions(sql)).filter((p) => p.to <= cutoff)) {
          let lastId = '';
          for (;;) {
            const rows = await sql<{ id: string; attachments: { id: string }[] | null }[]>`
              SELECT id, attachments FROM ${sql(part.name)} WHERE id > ${lastId} ORDER BY id LIMIT ${batchSize}
            `;
            if (rows.length === 0) break;
            lastId = rows[rows.length - 1]!.id;
            report.detachedFiles += (await sql.begin((tx) => stubAndDetach(tx, rows.map((r) => r.id), attachmentIdsOf(rows), now))) as number;
            report.deletedMessages += rows.length;
          }
        }
        report.droppedPartitions = await dropPartitionsOlderThan(sql, cutoff);

        // The boundary month (and anything in DEFAULT): bounded deletes, oldest first.
        for (;;) {
          const n = (await sql.begin(async (tx) => {
            const rows = await tx<{ conversation_id: string; seq: number; created_at: number; id: string; attachments: { id: string }[] | null }[]>`
              SELECT conversation_id, seq, created_at, id, attachments FROM messages
              WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${batchSize}
              FOR UPDATE SKIP LOCKED
            `;
            if (rows.length === 0) return 0;
            const ids = rows.map((r) => r.id);
            report.detachedFiles += await stubAndDetach(tx, ids, attachmentIdsOf(rows), now);
            await tx`DELETE FROM message_keys WHERE message_id = ANY(${ids}::text[])`;
            await tx`
              DELETE FROM hidden_messages h USING unnest(${rows.map((r) => r.conversation_id)}::text[], ${ids}::text[]) AS v(c, i)
              WHERE h.conversation_id = v.c AND h.message_id = v.i
            `;
            await tx`
              DELETE FROM messages m USING unnest(${rows.map((r) => r.conversation_id)}::text[], ${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.created_at)}::bigint[]) AS v(c, s, t)
              WHERE m.conversation_id = v.c AND m.seq = v.s AND m.created_at = v.t AND m.created_at < ${cutoff}
            `;
            return rows.length;
          })) as number;
          report.deletedMessages += n;
          if (n < batchSize) return report;
        }
      }),
  };
}
