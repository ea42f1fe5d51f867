/**
 * The privacy sub-port on SQLite: the export's extra reads and account erasure in one
 * write transaction (BEGIN IMMEDIATE), using the log appender every other change uses.
 */
import type { ConversationEvent, ConversationId, MessageId, Role } from '@parley/protocol';
import type { PrivacyStore } from '../privacy-port';
import { StoreError } from '../port';
import { MEMBER_COLUMNS, type SqliteContext } from './context';
import { chooseSuccessor, erasureHandsOver } from '../../domain/rules/group-roles';
import { EVENT_IS_MESSAGE, EVENT_MESSAGE_ID } from './migrations/0006-privacy';
import { MESSAGE_COLUMNS, toMember, toMessage, type MemberRow, type MessageRow } from './rows';
import { toAttachment, type AttachmentRow } from '../rows-common';

export function createSqlitePrivacy(ctx: SqliteContext): PrivacyStore {
  const { db } = ctx;
  const byAuthor = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE m.sender_id = @userId AND m.deleted_at IS NULL AND (m.created_at > @at OR (m.created_at = @at AND m.id > @id))
    ORDER BY m.created_at, m.id LIMIT @limit`);
  const files = db.prepare('SELECT * FROM attachments WHERE owner_id = ? ORDER BY created_at, id');

  const userExists = db.prepare('SELECT 1 FROM users WHERE id = ?');
  const liveMessages = db.prepare('SELECT id, conversation_id FROM messages WHERE sender_id = ? AND deleted_at IS NULL ORDER BY conversation_id, seq');
  const memberships = db.prepare('SELECT m.conversation_id, m.role, c.kind FROM members m JOIN conversations c ON c.id = m.conversation_id WHERE m.user_id = ? ORDER BY m.conversation_id');
  // The log keeps text as appended: blank it in the entries of every message I wrote.
  const blankCreated = db.prepare(`UPDATE events
    SET payload = json_remove(json_set(payload, '$.message.content', json('null'), '$.message.deletedAt', @at), '$.message.attachments')
    WHERE type = 'message.created' AND ${EVENT_IS_MESSAGE}
      AND ${EVENT_MESSAGE_ID} IN (SELECT id FROM messages WHERE sender_id = @userId)`);
  const blankEdited = db.prepare(`UPDATE events
    SET payload = json_set(payload, '$.content', json('null'))
    WHERE type = 'message.edited' AND ${EVENT_IS_MESSAGE}
      AND ${EVENT_MESSAGE_ID} IN (SELECT id FROM messages WHERE sender_id = @userId)`);
  const tombstone = db.prepare('UPDATE messages SET content = NULL, search_text = NULL, attachments = NULL, deleted_at = coalesce(deleted_at, @at) WHERE sender_id = @userId');
  const leave = db.prepare('DELETE FROM members WHERE conversation_id = ? AND user_id = ?');
  const membersOf = db.prepare(`SELECT ${MEMBER_COLUMNS} FROM members me WHERE me.conversation_id = ? ORDER BY me.joined_at, me.rowid`);
  const makeOwner = db.prepare("UPDATE members SET role = 'owner' WHERE conversation_id = ? AND user_id = ?");
  const blankJoins = db.prepare("UPDATE events SET payload = json_set(payload, '$.user', json(@user)) WHERE type = 'member.added' AND json_extract(payload, '$.userId') = @userId");
  const dropHidden = db.prepare('DELETE FROM hidden_messages WHERE user_id = ?');
  const dropUserEvents = db.prepare('DELETE FROM user_events WHERE user_id = ?');
  const dropTokens = db.prepare('DELETE FROM refresh_tokens WHERE user_id = ?');
  // The placeholder user row stays, so ON DELETE CASCADE never fires: delete these here.
  const dropNotifications = db.prepare('DELETE FROM notifications WHERE user_id = ?');
  const dropPush = db.prepare('DELETE FROM push_subscriptions WHERE user_id = ?');
  // Released, not just detached: see attachments-port.ts.
  const detachFiles = db.prepare('UPDATE attachments SET message_id = NULL, conversation_id = NULL, released_at = coalesce(released_at, @at) WHERE owner_id = @userId');
  const placeholder = db.prepare(`UPDATE users SET username = @username, display_name = @displayName, avatar_url = NULL, password_hash = '',
    privacy_last_seen = 'nobody', privacy_read_receipts = 0, last_seen_at = NULL, session_version = session_version + 1
    WHERE id = @userId`);

  const guard = ctx.guard;

  return {
    messagesByAuthor: ({ userId, limit, after }) =>
      guard(() => (byAuthor.all({ userId, limit, at: after?.at ?? -1, id: after?.id ?? '' }) as MessageRow[]).map(toMessage)),

    filesOf: (userId) => guard(() => (files.all(userId) as AttachmentRow[]).map(toAttachment)),

    eraseUser: ({ userId, at, username, displayName }) =>
      guard(() =>
        ctx.write(() => {
          if (!userExists.get(userId)) throw new StoreError('NOT_FOUND', 'user not found');
          const events: ConversationEvent[] = [];
          const live = liveMessages.all(userId) as { id: MessageId; conversation_id: ConversationId }[];
          blankCreated.run({ userId, at });
          blankEdited.run({ userId });
          tombstone.run({ userId, at });
          for (const m of live) events.push(ctx.appendEvent(m.conversation_id, userId, at, { type: 'message.deleted', messageId: m.id }));

          for (const m of memberships.all(userId) as { conversation_id: ConversationId; role: Role; kind: 'direct' | 'group' }[]) {
            leave.run(m.conversation_id, userId);
            events.push(ctx.appendEvent(m.conversation_id, userId, at, { type: 'member.left', userId }));
            if (!erasureHandsOver({ kind: m.kind }, m)) continue;
            const next = chooseSuccessor((membersOf.all(m.conversation_id) as MemberRow[]).map(toMember), userId);
            if (!next) continue;
            makeOwner.run(m.conversation_id, next.userId);
            events.push(ctx.appendEvent(m.conversation_id, userId, at, { type: 'member.role', userId: next.userId, role: 'owner' }));
          }

          blankJoins.run({ userId, user: JSON.stringify({ id: userId, username, displayName, avatarUrl: null }) });
          dropHidden.run(userId);
          dropUserEvents.run(userId);
          dropTokens.run(userId);
          dropNotifications.run(userId);
          dropPush.run(userId);
          const detachedFiles = detachFiles.run({ userId, at }).changes;
          placeholder.run({ userId, username, displayName });
          return { events, detachedFiles };
        }),
      ),
  };
}
