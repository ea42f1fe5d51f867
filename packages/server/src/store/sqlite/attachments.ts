/**
 * The attachments sub-port on SQLite, and the claim step appendMessages runs inside its
 * write transaction. better-sqlite3 is synchronous and writes use BEGIN IMMEDIATE, so a
 * check followed by a write in one transaction cannot be raced by another writer.
 */
import type { AttachmentId, ConversationId, MessageAttachment, MessageId, UserId } from '@parley/protocol';
import { attachRefusal, toMessageAttachment, type AttachmentRecord, type AttachmentsStore } from '../attachments-port';
import { checkQuota } from '../../domain/rules/quota';
import { StoreError } from '../port';
import type { SqliteContext } from './context';
import { toAttachment, type AttachmentRow } from '../rows-common';

const COLUMNS = 'id, owner_id, state, name, size, content_type, kind, width, height, has_thumbnail, conversation_id, message_id, created_at, released_at';

export function createSqliteAttachments(ctx: SqliteContext): AttachmentsStore {
  const { db } = ctx;
  const usage = db.prepare('SELECT coalesce(sum(size), 0) AS n FROM attachments WHERE owner_id = ?');
  const insert = db.prepare(
    "INSERT INTO attachments (id, owner_id, state, name, size, content_type, kind, has_thumbnail, created_at) VALUES (?, ?, 'pending', ?, ?, 'application/octet-stream', 'file', 0, ?)",
  );
  const complete = db.prepare(
    `UPDATE attachments SET state = 'ready', size = @size, content_type = @contentType, kind = @kind, width = @width, height = @height, has_thumbnail = @hasThumbnail
     WHERE id = @id AND state = 'pending' RETURNING ${COLUMNS}`,
  );
  const byId = db.prepare(`SELECT ${COLUMNS} FROM attachments WHERE id = ?`);
  // Released uploads (their message went) are due at once, whatever their age.
  const deleteUnattached = db.prepare(
    `DELETE FROM attachments WHERE id = @id AND message_id IS NULL AND (@ownerId IS NULL OR owner_id = @ownerId)
       AND (@before IS NULL OR created_at < @before OR released_at IS NOT NULL) RETURNING ${COLUMNS}`,
  );
  const unattached = db.prepare(
    `SELECT ${COLUMNS} FROM attachments WHERE message_id IS NULL AND (created_at < ? OR released_at IS NOT NULL) ORDER BY created_at LIMIT ?`,
  );

  const run = ctx.guard;

  return {
    reserve: (u) =>
      run(() =>
        ctx.write(() => {
          const used = (usage.get(u.ownerId) as { n: number }).n;
          checkQuota(used, u.reservedBytes, u.quotaBytes);
          insert.run(u.id, u.ownerId, u.name, u.reservedBytes, u.at);
        }),
      ),
    complete: (f) =>
      run(() => {
        const row = complete.get({ ...f, hasThumbnail: f.hasThumbnail ? 1 : 0 }) as AttachmentRow | undefined;
        if (!row) throw new StoreError('NOT_FOUND', 'upload not found');
        return toAttachment(row);
      }),
    get: (id) =>
      run(() => {
        const row = byId.get(id) as AttachmentRow | undefined;
        return row ? toAttachment(row) : null;
      }),
    deleteUnattached: ({ id, ownerId, createdBefore }) =>
      run(() => {
        const row = deleteUnattached.get({ id, ownerId: ownerId ?? null, before: createdBefore ?? null }) as AttachmentRow | undefined;
        return row ? toAttachment(row) : null;
      }),
    listUnattached: ({ createdBefore, limit }) => run(() => (unattached.all(createdBefore, limit) as AttachmentRow[]).map(toAttachment)),
    usage: (ownerId) => run(() => (usage.get(ownerId) as { n: number }).n),
  };
}

/**
 * Links the sender's uploads to a new message. Call inside the send's write
 * transaction, before anything of the send is written: on refusal nothing changed.
 * Returns the message's attachment list (undefined when none was asked for).
 */
export function createAttachmentClaimer(ctx: SqliteContext) {
  const byId = ctx.db.prepare(`SELECT ${COLUMNS} FROM attachments WHERE id = ?`);
  const link = ctx.db.prepare('UPDATE attachments SET conversation_id = ?, message_id = ? WHERE id = ? AND message_id IS NULL');
  return (input: { ids: readonly AttachmentId[] | undefined; senderId: UserId; conversationId: ConversationId; messageId: MessageId }): MessageAttachment[] | undefined | 'ATTACHMENT_INVALID' => {
    if (!input.ids || input.ids.length === 0) return undefined;
    const rows = new Map<string, AttachmentRecord>();
    for (const id of input.ids) {
      const row = byId.get(id) as AttachmentRow | undefined;
      if (row) rows.set(id, toAttachment(row));
    }
    const refusal = attachRefusal(input.ids, rows, input.senderId, new Set());
    if (refusal) return refusal;
    for (const id of input.ids) link.run(input.conversationId, input.messageId, id);
    return input.ids.map((id) => toMessageAttachment(rows.get(id)!));
  };
}

/** messages.attachments column value for a new message. */
export function attachmentsJson(list: MessageAttachment[] | undefined): string | null {
  return list && list.length > 0 ? JSON.stringify(list) : null;
}

/** Parses messages.attachments; absent stays absent so messages without attachments keep their shape. */
export function parseAttachments(raw: string | null | undefined): { attachments?: MessageAttachment[] } {
  if (!raw) return {};
  return { attachments: JSON.parse(raw) as MessageAttachment[] };
}
