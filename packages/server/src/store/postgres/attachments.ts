/**
 * The attachments sub-port on PostgreSQL, and the claim step of the group commit.
 *
 * Concurrency: reserve() locks the owner's users row, so one user's reservations are
 * checked against the quota one at a time. The claim locks the attachment rows
 * (FOR UPDATE) inside the send's transaction: a second send claiming the same upload
 * waits, then reads the committed message_id and is refused; a concurrent
 * deleteUnattached either deletes first (the claim finds nothing) or waits and then
 * no longer matches `message_id IS NULL`.
 */
import type { MessageAttachment } from '@parley/protocol';
import type { AttachmentRecord, AttachmentsStore } from '../attachments-port';
import { StoreError } from '../port';
import type { Db, Sql, Tx } from './db';
import { guarded } from './errors';
import { checkQuota } from '../../domain/rules/quota';
import { toAttachment, type AttachmentRow } from '../rows-common';

const COLUMNS = 'id, owner_id, state, name, size, content_type, kind, width, height, has_thumbnail, conversation_id, message_id, created_at, released_at';

export function createPostgresAttachments(sql: Sql): AttachmentsStore {
  return {
    reserve: (u) =>
      guarded(async () => {
        await sql.begin(async (tx) => {
          const [owner] = await tx`SELECT 1 FROM users WHERE id = ${u.ownerId} FOR NO KEY UPDATE`;
          if (!owner) throw new StoreError('NOT_FOUND', 'user not found');
          const [used] = await tx<{ n: number }[]>`SELECT coalesce(sum(size), 0)::bigint AS n FROM attachments WHERE owner_id = ${u.ownerId}`;
          checkQuota(Number(used!.n), u.reservedBytes, u.quotaBytes);
          await tx`
            INSERT INTO attachments (id, owner_id, state, name, size, content_type, kind, has_thumbnail, created_at)
            VALUES (${u.id}, ${u.ownerId}, 'pending', ${u.name}, ${u.reservedBytes}, 'application/octet-stream', 'file', false, ${u.at})
          `;
        });
      }),
    complete: (f) =>
      guarded(async () => {
        const [row] = await sql<AttachmentRow[]>`
          UPDATE attachments SET state = 'ready', size = ${f.size}, content_type = ${f.contentType}, kind = ${f.kind},
            width = ${f.width}, height = ${f.height}, has_thumbnail = ${f.hasThumbnail}
          WHERE id = ${f.id} AND state = 'pending'
          RETURNING ${sql.unsafe(COLUMNS)}
        `;
        if (!row) throw new StoreError('NOT_FOUND', 'upload not found');
        return toAttachment(row);
      }),
    get: (id) =>
      guarded(async () => {
        const [row] = await sql<AttachmentRow[]>`SELECT ${sql.unsafe(COLUMNS)} FROM attachments WHERE id = ${id}`;
        return row ? toAttachment(row) : null;
      }),
    // Released uploads (their message went) are due at once, whatever their age.
    deleteUnattached: ({ id, ownerId, createdBefore }) =>
      guarded(async () => {
        const [row] = await sql<AttachmentRow[]>`
          DELETE FROM attachments
          WHERE id = ${id} AND message_id IS NULL
            ${ownerId !== undefined ? sql`AND owner_id = ${ownerId}` : sql``}
            ${createdBefore !== undefined ? sql`AND (created_at < ${createdBefore} OR released_at IS NOT NULL)` : sql``}
          RETURNING ${sql.unsafe(COLUMNS)}
        `;
        return row ? toAttachment(row) : null;
      }),
    listUnattached: ({ createdBefore, limit }) =>
      guarded(async () => {
        const rows = await sql<AttachmentRow[]>`
          SELECT ${sql.unsafe(COLUMNS)} FROM attachments
          WHERE message_id IS NULL AND (created_at < ${createdBefore} OR released_at IS NOT NULL)
          ORDER BY created_at LIMIT ${limit}
        `;
        return rows.map(toAttachment);
      }),
    usage: (ownerId) =>
      guarded(async () => {
        const [row] = await sql<{ n: number }[]>`SELECT coalesce(sum(size), 0)::bigint AS n FROM attachments WHERE owner_id = ${ownerId}`;
        return row!.n;
      }),
  };
}

/** Reads and locks the named attachment rows for a send batch (see the file comment). */
export async function lockAttachments(tx: Db, ids: readonly string[]): Promise<Map<string, AttachmentRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await tx<AttachmentRow[]>`
    SELECT ${tx.unsafe(COLUMNS)} FROM attachments WHERE id = ANY(${[...new Set(ids)]}::text[]) ORDER BY id FOR UPDATE
  `;
  return new Map(rows.map((r) => [r.id, toAttachment(r)]));
}

/** Links claimed attachments to their new messages. */
export async function linkAttachments(tx: Tx, links: readonly { id: string; conversationId: string; messageId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await tx`
    UPDATE attachments a SET conversation_id = x.c, message_id = x.m
    FROM unnest(${links.map((l) => l.id)}::text[], ${links.map((l) => l.conversationId)}::text[], ${links.map((l) => l.messageId)}::text[]) AS x(id, c, m)
    WHERE a.id = x.id
  `;
}

/** messages.attachments as the driver returns it (jsonb, already parsed); absent stays absent. */
export function attachmentsField(raw: MessageAttachment[] | null | undefined): { attachments?: MessageAttachment[] } {
  return raw && raw.length > 0 ? { attachments: raw } : {};
}
