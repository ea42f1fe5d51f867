/**
 * The privacy sub-port on PostgreSQL: the export's extra reads, and account erasure in
 * one transaction. Erasure locks the user row, then every conversation it touches in id
 * order (the order every multi-conversation writer here uses, so two erasures cannot
 * deadlock), then appends through the same log helper as every other change.
 */
import type { ConversationId, MessageId, Role } from '@parley/protocol';
import type { ErasureResult, PrivacyStore } from '../privacy-port';
import { StoreError } from '../port';
import type { Sql } from './db';
import { guarded } from './errors';
import { appendEvents, lockConversation, type EventDraft } from './event-log';
import { MESSAGE_COLUMNS } from './messages';
import { toConversation, toMessage, type MessageRow } from './rows';
import { listMembersOf } from './conversations';
import { chooseSuccessor, erasureHandsOver } from '../../domain/rules/group-roles';
import { toAttachment, type AttachmentRow } from '../rows-common';

export function createPostgresPrivacy(sql: Sql): PrivacyStore {
  return {
    messagesByAuthor: ({ userId, limit, after }) =>
      guarded(async () => {
        const rows = await sql<MessageRow[]>`
          SELECT ${sql.unsafe(MESSAGE_COLUMNS)} FROM messages m
          WHERE m.sender_id = ${userId} AND m.deleted_at IS NULL AND (m.created_at, m.id) > (${after?.at ?? -1}, ${after?.id ?? ''})
          ORDER BY m.created_at, m.id LIMIT ${limit}
        `;
        return rows.map(toMessage);
      }),

    filesOf: (userId) =>
      guarded(async () => (await sql<AttachmentRow[]>`SELECT * FROM attachments WHERE owner_id = ${userId} ORDER BY created_at, id`).map(toAttachment)),

    eraseUser: ({ userId, at, username, displayName }) =>
      guarded(
        async () =>
          (await sql.begin(async (tx) => {
            // Rewrites everything the user wrote: longer than a request's statement may take.
            await tx`SET LOCAL statement_timeout = 0`;
            const [user] = await tx`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`;
            if (!user) throw new StoreError('NOT_FOUND', 'user not found');
            const live = await tx<{ id: MessageId; conversation_id: ConversationId }[]>`
              SELECT id, conversation_id FROM messages WHERE sender_id = ${userId} AND deleted_at IS NULL ORDER BY conversation_id, seq
            `;
            const memberships = await tx<{ conversation_id: ConversationId; role: Role }[]>`
              SELECT conversation_id, role FROM members WHERE user_id = ${userId}
            `;
            const drafts = new Map<string, EventDraft[]>();
            const draftsOf = (id: string) => drafts.get(id) ?? (drafts.set(id, []), drafts.get(id)!);
            for (const m of live) draftsOf(m.conversation_id).push({ type: 'message.deleted', actorId: userId, at, messageId: m.id });
            for (const m of memberships) draftsOf(m.conversation_id);

            // The log keeps text as appended: blank it in the entries of every message I wrote.
            await tx`
              UPDATE events SET payload = jsonb_set(jsonb_set(payload, '{message,content}', 'null'), '{message,deletedAt}', to_jsonb(${at}::bigint)) #- '{message,attachments}'
              WHERE type = 'message.created' AND message_id IN (SELECT id FROM messages WHERE sender_id = ${userId})
            `;
            await tx`
              UPDATE events SET payload = jsonb_set(payload, '{content}', 'null')
              WHERE type = 'message.edited' AND message_id IN (SELECT id FROM messages WHERE sender_id = ${userId})
            `;
            await tx`
              UPDATE messages SET content = NULL, search_text = NULL, attachments = NULL, deleted_at = coalesce(deleted_at, ${at})
              WHERE sender_id = ${userId}
            `;

            const events: ErasureResult['events'] = [];
            const roles = new Map(memberships.map((m) => [m.conversation_id as string, m.role]));
            for (const conversationId of [...drafts.keys()].sort()) {
              const conv = await lockConversation(tx, conversationId as ConversationId);
              const list = drafts.get(conversationId)!;
              const role = roles.get(conversationId);
              if (role !== undefined) {
                await tx`DELETE FROM members WHERE conversation_id = ${conversationId} AND user_id = ${userId}`;
                list.push({ type: 'member.left', actorId: userId, at, userId });
                const heir = erasureHandsOver(toConversation(conv), { role }) ? chooseSuccessor(await listMembersOf(tx, conversationId as ConversationId), userId) : null;
                if (heir) {
                  await tx`UPDATE members SET role = 'owner' WHERE conversation_id = ${conversationId} AND user_id = ${heir.userId}`;
                  list.push({ type: 'member.role', actorId: userId, at, userId: heir.userId, role: 'owner' });
                }
              }
              events.push(...(await appendEvents(tx, conv, list)));
            }

            const placeholderUser = { id: userId, username, displayName, avatarUrl: null };
            await tx`
              UPDATE events SET payload = jsonb_set(payload, '{user}', ${JSON.stringify(placeholderUser)}::jsonb)
              WHERE type = 'member.added' AND payload->>'userId' = ${userId}
            `;
            await tx`DELETE FROM hidden_messages WHERE user_id = ${userId}`;
            await tx`DELETE FROM user_events WHERE user_id = ${userId}`;
            await tx`DELETE FROM refresh_tokens WHERE user_id = ${userId}`;
            // The placeholder user row stays, so ON DELETE CASCADE never fires: delete these here.
            await tx`DELETE FROM notifications WHERE user_id = ${userId}`;
            await tx`DELETE FROM push_subscriptions WHERE user_id = ${userId}`;
            // Released, not just detached: see attachments-port.ts.
            const detached = await tx`
              UPDATE attachments SET message_id = NULL, conversation_id = NULL, released_at = coalesce(released_at, ${at})
              WHERE owner_id = ${userId}
            `;
            await tx`
              UPDATE users SET username = ${username}, display_name = ${displayName}, avatar_url = NULL, password_hash = '',
                last_seen_visibility = 'nobody', read_receipts = false, last_seen_at = NULL, session_version = session_version + 1
              WHERE id = ${userId}
            `;
            return { events, detachedFiles: detached.count };
          })) as ErasureResult,
      ),
  };
}
