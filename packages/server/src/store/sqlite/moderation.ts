/**
 * The moderation sub-port on SQLite: blocks, reports, roles and suspension, and the
 * moderator's delete for everyone through the same log appender as every other change.
 */
import { createMessageEraser } from './erase-message';
import { checkModeratorDelete } from '../../domain/rules/message-rights';
import type { ClientMessageId, UserId } from '@parley/protocol';
import type { ModerationStore } from '../moderation-port';
import { StoreError } from '../port';
import type { SqliteContext } from './context';
import { MESSAGE_COLUMNS, toMessage, toPublicUser, type MessageRow, type PublicUserRow } from './rows';
import { toReport, type ReportRow } from '../rows-common';

export function createSqliteModeration(ctx: SqliteContext): ModerationStore {
  const { db } = ctx;
  const userExists = db.prepare('SELECT 1 FROM users WHERE id = ?');
  const insertBlock = db.prepare('INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const deleteBlock = db.prepare('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?');
  const listBlocks = db.prepare(`SELECT u.id, u.username, u.display_name, u.avatar_url, b.created_at AS blocked_at
    FROM blocks b JOIN users u ON u.id = b.blocked_id WHERE b.blocker_id = ? ORDER BY b.created_at DESC, b.blocked_id`);
  const eitherWay = db.prepare('SELECT 1 FROM blocks WHERE (blocker_id = @a AND blocked_id = @b) OR (blocker_id = @b AND blocked_id = @a) LIMIT 1');
  const relations = db.prepare('SELECT blocked_id AS id FROM blocks WHERE blocker_id = @u UNION SELECT blocker_id FROM blocks WHERE blocked_id = @u');
  const byClientId = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.sender_id = ? AND m.client_message_id = ?`);
  const insertReport = db.prepare(
    'INSERT INTO reports (id, conversation_id, message_id, reporter_id, reason, created_at) VALUES (@id, @conversationId, @messageId, @reporterId, @reason, @at)',
  );
  const reportById = db.prepare('SELECT * FROM reports WHERE id = ?');
  const openReports = db.prepare('SELECT * FROM reports WHERE resolved_at IS NULL AND (created_at > @at OR (created_at = @at AND id > @id)) ORDER BY created_at, id LIMIT @limit');
  const resolve = db.prepare('UPDATE reports SET resolved_at = @at, resolved_by = @by WHERE id = @id AND resolved_at IS NULL');
  const resolveOfMessage = db.prepare('UPDATE reports SET resolved_at = @at, resolved_by = @by WHERE message_id = @messageId AND resolved_at IS NULL');
  const messageById = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? AND m.id = ?`);
  const erase = createMessageEraser(ctx);
  const setRole = db.prepare('UPDATE users SET role = ? WHERE id = ?');
  const setSuspended = db.prepare('UPDATE users SET suspended_at = ? WHERE id = ?');

  const guard = ctx.guard;
  const requireUser = (id: UserId) => {
    if (!userExists.get(id)) throw new StoreError('NOT_FOUND', 'user not found');
  };

  return {
    block: ({ blockerId, blockedId, at }) =>
      guard(() =>
        ctx.write(() => {
          requireUser(blockedId);
          return insertBlock.run(blockerId, blockedId, at).changes > 0;
        }),
      ),
    unblock: ({ blockerId, blockedId }) => guard(() => deleteBlock.run(blockerId, blockedId).changes > 0),
    listBlocks: (blockerId) =>
      guard(() => (listBlocks.all(blockerId) as (PublicUserRow & { blocked_at: number })[]).map((r) => ({ user: toPublicUser(r), blockedAt: r.blocked_at }))),
    blockedEitherWay: (a, b) => guard(() => eitherWay.get({ a, b }) !== undefined),
    blockedAmong: (userId, others) =>
      guard(() => {
        if (others.length === 0) return new Set<UserId>();
        const related = new Set((relations.all({ u: userId }) as { id: UserId }[]).map((r) => r.id));
        return new Set(others.filter((o) => related.has(o)));
      }),
    blockRelations: (userId) => guard(() => (relations.all({ u: userId }) as { id: UserId }[]).map((r) => r.id)),

    findSent: (senderId: UserId, clientMessageId: ClientMessageId) =>
      guard(() => {
        const row = byClientId.get(senderId, clientMessageId) as MessageRow | undefined;
        return row ? toMessage(row) : null;
      }),

    createReport: (input) =>
      guard(() => {
        insertReport.run(input);
        return { id: input.id, conversationId: input.conversationId, messageId: input.messageId, reporterId: input.reporterId, reason: input.reason, createdAt: input.at, resolvedAt: null, resolvedBy: null };
      }),
    getReport: (id) =>
      guard(() => {
        const row = reportById.get(id) as ReportRow | undefined;
        return row ? toReport(row) : null;
      }),
    listOpenReports: ({ limit, after }) =>
      guard(() => (openReports.all({ at: after?.at ?? -1, id: after?.id ?? '', limit }) as ReportRow[]).map(toReport)),
    resolveReport: ({ id, by, at }) =>
      guard(() =>
        ctx.write(() => {
          if (!reportById.get(id)) return false;
          resolve.run({ id, by, at });
          return true;
        }),
      ),
    resolveReportsOfMessage: ({ messageId, by, at }) => guard(() => resolveOfMessage.run({ messageId, by, at }).changes),

    deleteMessageAsModerator: ({ conversationId, messageId, moderatorId, at }) =>
      guard(() =>
        ctx.write(() => {
          const row = messageById.get(conversationId, messageId) as MessageRow | undefined;
          checkModeratorDelete(row ? { senderId: row.sender_id, deletedAt: row.deleted_at } : null);
          return erase({ conversationId, messageId, actorId: moderatorId, at });
        }),
      ),
    setRole: (userId, role) =>
      guard(() => {
        if (setRole.run(role, userId).changes === 0) throw new StoreError('NOT_FOUND', 'user not found');
      }),
    setSuspended: (userId, at) =>
      guard(() => {
        if (setSuspended.run(at, userId).changes === 0) throw new StoreError('NOT_FOUND', 'user not found');
      }),
  };
}
