/**
 * The moderation sub-port on PostgreSQL: blocks, reports, roles and suspension, and the
 * moderator's delete for everyone, which locks the conversation and appends through
 * the same log helper as every other change.
 */
import { eraseMessage } from './erase-message';
import { checkModeratorDelete } from '../../domain/rules/message-rights';
import type { ClientMessageId, UserId } from '@parley/protocol';
import type { ModerationStore } from '../moderation-port';
import { StoreError } from '../port';
import type { Sql } from './db';
import { guarded } from './errors';
import { directKey } from './conversations';
import { lockConversation } from './event-log';
import { findMessage, MESSAGE_COLUMNS } from './messages';
import { toMessage, toPublicUser, type MessageRow, type PublicUserRow } from './rows';
import { toReport, type ReportRow } from '../rows-common';

export function createPostgresModeration(sql: Sql): ModerationStore {
  const relations = async (userId: UserId): Promise<UserId[]> => {
    const rows = await sql<{ id: UserId }[]>`
      SELECT blocked_id AS id FROM blocks WHERE blocker_id = ${userId}
      UNION SELECT blocker_id FROM blocks WHERE blocked_id = ${userId}
    `;
    return rows.map((r) => r.id);
  };

  return {
    block: ({ blockerId, blockedId, at }) =>
      guarded(async () => {
        const [user] = await sql`SELECT 1 FROM users WHERE id = ${blockedId}`;
        if (!user) throw new StoreError('NOT_FOUND', 'user not found');
        return sql.begin(async (tx) => {
          // Takes the lock a send batch takes on their direct conversation: a batch in
          // flight commits first, and any later one reads the block after its lock (see
          // append-messages.ts), so no message is stored after the block that refuses it.
          await tx`SELECT 1 FROM conversations WHERE direct_key = ${directKey(blockerId, blockedId)} FOR NO KEY UPDATE`;
          const rows = await tx`
            INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (${blockerId}, ${blockedId}, ${at})
            ON CONFLICT DO NOTHING RETURNING 1
          `;
          return rows.length > 0;
        });
      }),
    unblock: ({ blockerId, blockedId }) =>
      guarded(async () => (await sql`DELETE FROM blocks WHERE blocker_id = ${blockerId} AND blocked_id = ${blockedId} RETURNING 1`).length > 0),
    listBlocks: (blockerId) =>
      guarded(async () => {
        const rows = await sql<(PublicUserRow & { blocked_at: number })[]>`
          SELECT u.id, u.username, u.display_name, u.avatar_url, b.created_at AS blocked_at
          FROM blocks b JOIN users u ON u.id = b.blocked_id
          WHERE b.blocker_id = ${blockerId} ORDER BY b.created_at DESC, b.blocked_id
        `;
        return rows.map((r) => ({ user: toPublicUser(r), blockedAt: r.blocked_at }));
      }),
    blockedEitherWay: (a, b) =>
      guarded(async () => {
        const rows = await sql`
          SELECT 1 FROM blocks WHERE (blocker_id = ${a} AND blocked_id = ${b}) OR (blocker_id = ${b} AND blocked_id = ${a}) LIMIT 1
        `;
        return rows.length > 0;
      }),
    blockedAmong: (userId, others) =>
      guarded(async () => {
        if (others.length === 0) return new Set<UserId>();
        const ids = [...others] as string[];
        const rows = await sql<{ id: UserId }[]>`
          SELECT blocked_id AS id FROM blocks WHERE blocker_id = ${userId} AND blocked_id = ANY(${ids}::text[])
          UNION SELECT blocker_id FROM blocks WHERE blocked_id = ${userId} AND blocker_id = ANY(${ids}::text[])
        `;
        return new Set(rows.map((r) => r.id));
      }),
    blockRelations: (userId) => guarded(() => relations(userId)),

    findSent: (senderId: UserId, clientMessageId: ClientMessageId) =>
      guarded(async () => {
        const [row] = await sql<MessageRow[]>`
          SELECT ${sql.unsafe(MESSAGE_COLUMNS)}
          FROM message_keys k
          JOIN messages m ON m.conversation_id = k.conversation_id AND m.seq = k.seq AND m.created_at = k.created_at
          WHERE k.sender_id = ${senderId} AND k.client_message_id = ${clientMessageId}
        `;
        return row ? toMessage(row) : null;
      }),

    createReport: (input) =>
      guarded(async () => {
        const [row] = await sql<ReportRow[]>`
          INSERT INTO reports (id, conversation_id, message_id, reporter_id, reason, created_at)
          VALUES (${input.id}, ${input.conversationId}, ${input.messageId}, ${input.reporterId}, ${input.reason}, ${input.at})
          RETURNING *
        `;
        return toReport(row!);
      }),
    getReport: (id) =>
      guarded(async () => {
        const [row] = await sql<ReportRow[]>`SELECT * FROM reports WHERE id = ${id}`;
        return row ? toReport(row) : null;
      }),
    listOpenReports: ({ limit, after }) =>
      guarded(async () => {
        const rows = await sql<ReportRow[]>`
          SELECT * FROM reports WHERE resolved_at IS NULL AND (created_at, id) > (${after?.at ?? -1}, ${after?.id ?? ''})
          ORDER BY created_at, id LIMIT ${limit}
        `;
        return rows.map(toReport);
      }),
    resolveReport: ({ id, by, at }) =>
      guarded(async () => {
        const [row] = await sql<{ open: boolean }[]>`SELECT resolved_at IS NULL AS open FROM reports WHERE id = ${id}`;
        if (!row) return false;
        await sql`UPDATE reports SET resolved_at = ${at}, resolved_by = ${by} WHERE id = ${id} AND resolved_at IS NULL`;
        return true;
      }),
    resolveReportsOfMessage: ({ messageId, by, at }) =>
      guarded(async () => (await sql`UPDATE reports SET resolved_at = ${at}, resolved_by = ${by} WHERE message_id = ${messageId} AND resolved_at IS NULL RETURNING 1`).length),

    deleteMessageAsModerator: ({ conversationId, messageId, moderatorId, at }) =>
      guarded(async () => {
        const event = await sql.begin(async (tx) => {
          const conv = await lockConversation(tx, conversationId);
          const current = await findMessage(tx, conversationId, messageId);
          checkModeratorDelete(current ? { senderId: current.sender_id, deletedAt: current.deleted_at } : null);
          return eraseMessage(tx, conv, current!, moderatorId, at);
        });
        return event;
      }),
    setRole: (userId, role) =>
      guarded(async () => {
        if ((await sql`UPDATE users SET role = ${role} WHERE id = ${userId} RETURNING 1`).length === 0) throw new StoreError('NOT_FOUND', 'user not found');
      }),
    setSuspended: (userId, at) =>
      guarded(async () => {
        if ((await sql`UPDATE users SET suspended_at = ${at} WHERE id = ${userId} RETURNING 1`).length === 0) throw new StoreError('NOT_FOUND', 'user not found');
      }),
  };
}
