/**
 * Messages: the group-commit append (hot path), edits, deletes, hiding, history,
 * the event log read and the mailbox lists.
 */
import type { ConversationEvent, ConversationId, Message } from '@parley/protocol';
import type { MailboxItem, MemberRecord, SendInput, SendResult } from '../port';
import { newMessage } from '../rows-common';
import { createMessageEraser } from './erase-message';
import { createSearchIndexer } from './search-index';
import type { SqliteContext, SyncStore } from './context';
import { attachmentsJson, createAttachmentClaimer } from './attachments';
import { checkDeleteForEveryone, checkEdit, checkHide } from '../../domain/rules/message-rights';
import { decideSend } from '../../domain/rules/send-rights';
import { relatedIds, relationsHold, type RelatedFacts } from '../../domain/rules/message-relations';
import { readableMessage } from '../../domain/rules/history-visibility';
import { MESSAGE_COLUMNS, toEvent, toMessage, toPublicUser, toUserEvent, type EventRow, type MessageRow, type UserEventRow } from './rows';

type MessageMethods = Pick<
  SyncStore,
  'appendMessages' | 'getMessage' | 'editMessage' | 'deleteMessageForEveryone' | 'hideMessage' | 'history' | 'eventsAfter' | 'mailbox'
>;

const NOT_HIDDEN = 'NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @viewer AND h.message_id = m.id)';

interface MailboxRow extends MessageRow {
  sender_username: string;
  sender_display_name: string;
  sender_avatar_url: string | null;
  conversation_title: string | null;
}

export function messageMethods(ctx: SqliteContext): MessageMethods {
  const { db } = ctx;
  // One lookup answers "does the conversation exist", "is the sender a member" and "is it direct".
  const conversationAndMember = db.prepare(
    'SELECT c.id AS conversation_id, c.kind, me.user_id AS member_id FROM conversations c LEFT JOIN members me ON me.conversation_id = c.id AND me.user_id = ? WHERE c.id = ?',
  );
  // A block either way between a direct conversation's two members (moderation). Checked
  // in the transaction that writes, so a block and a send are ordered by the one writer.
  const blockedInDirect = db.prepare(`SELECT 1 FROM members o JOIN blocks b
      ON (b.blocker_id = @sender AND b.blocked_id = o.user_id) OR (b.blocker_id = o.user_id AND b.blocked_id = @sender)
    WHERE o.conversation_id = @conversation AND o.user_id <> @sender LIMIT 1`);
  const byClientId = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.sender_id = ? AND m.client_message_id = ?`);
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, kind, content, search_text, reply_to, thread_root_id, target_id, created_at, attachments)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? AND m.id = ?`);
  // The search trigger of migration 0016 re-indexes search_text.
  const applyEdit = db.prepare('UPDATE messages SET content = ?, search_text = ?, edited_at = ? WHERE id = ?');
  // What a relation rule reads of a related message (message-relations.ts).
  const relatedById = db.prepare('SELECT conversation_id, seq, thread_root_id FROM messages WHERE id = ?');
  const senderVisibleFrom = db.prepare('SELECT visible_from_seq FROM members WHERE conversation_id = ? AND user_id = ?');
  const erase = createMessageEraser(ctx);
  const claimAttachments = createAttachmentClaimer(ctx);
  const indexForSearch = createSearchIndexer(ctx);
  const hiddenSeq = db.prepare('SELECT user_seq FROM hidden_messages WHERE user_id = ? AND message_id = ?');
  const insertHidden = db.prepare('INSERT INTO hidden_messages (user_id, message_id, user_seq) VALUES (?, ?, ?)');
  const userEventAt = db.prepare('SELECT user_seq, type, at, payload FROM user_events WHERE user_id = ? AND user_seq = ?');

  // @from: the viewer's visibleFromSeq (history-visibility.ts); a range on the same key.
  const historyBase = `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = @conversationId AND m.seq >= @from AND ${NOT_HIDDEN}`;
  const historyLatest = db.prepare(`${historyBase} ORDER BY m.seq DESC LIMIT @limit`);
  const historyBefore = db.prepare(`${historyBase} AND m.seq < @before ORDER BY m.seq DESC LIMIT @limit`);
  const historyAfter = db.prepare(`${historyBase} AND m.seq > @after ORDER BY m.seq ASC LIMIT @limit`);
  const historyBetween = db.prepare(`${historyBase} AND m.seq > @after AND m.seq < @before ORDER BY m.seq ASC LIMIT @limit`);

  const eventsAfter = db.prepare(
    'SELECT conversation_id, seq, type, actor_id, at, payload FROM events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  );

  const mailboxSelect = `SELECT ${MESSAGE_COLUMNS}, u.username AS sender_username, u.display_name AS sender_display_name,
      u.avatar_url AS sender_avatar_url, c.title AS conversation_title`;
  const mailboxFilter = `m.deleted_at IS NULL AND ${NOT_HIDDEN}`;
  const cursorFilter = (t: string) => `AND (${t}.created_at < @at OR (${t}.created_at = @at AND ${t}.id < @id))`;
  const mailboxOrder = 'ORDER BY m.created_at DESC, m.id DESC LIMIT @limit';
  // Received: the newest `limit` candidates of each of my conversations (a backward walk
  // of messages_received per conversation), then the newest `limit` of those. Work is
  // proportional to conversations x page size, not to every message I can see. Both
  // boxes start each conversation where my membership's reading does (visible_from_seq).
  const receivedSql = (cursor: string) => `${mailboxSelect}
    FROM members me
    JOIN messages m ON m.rowid IN (
      SELECT r.rowid FROM messages r
      WHERE r.conversation_id = me.conversation_id AND r.sender_id <> @viewer AND r.deleted_at IS NULL AND r.seq >= me.visible_from_seq
        AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @viewer AND h.message_id = r.id) ${cursor}
      ORDER BY r.created_at DESC, r.id DESC LIMIT @limit)
    JOIN users u ON u.id = m.sender_id
    JOIN conversations c ON c.id = m.conversation_id
    WHERE me.user_id = @viewer ${mailboxOrder}`;
  const sentSql = (cursor: string) => `${mailboxSelect}
    FROM messages m
    JOIN members me ON me.conversation_id = m.conversation_id AND me.user_id = @viewer
    JOIN users u ON u.id = m.sender_id
    JOIN conversations c ON c.id = m.conversation_id
    WHERE m.sender_id = @viewer AND m.seq >= me.visible_from_seq AND ${mailboxFilter} ${cursor} ${mailboxOrder}`;
  const mailbox = {
    received: db.prepare(receivedSql('')),
    receivedAfterCursor: db.prepare(receivedSql(cursorFilter('r'))),
    sent: db.prepare(sentSql('')),
    sentAfterCursor: db.prepare(sentSql(cursorFilter('m'))),
  };

  const related = (id: string): RelatedFacts => {
    const row = relatedById.get(id) as { conversation_id: string; seq: number; thread_root_id: string | null } | undefined;
    return row ? { conversationId: row.conversation_id, seq: row.seq, threadRootId: row.thread_root_id } : null;
  };
  const visibleFrom = (input: SendInput) => (senderVisibleFrom.get(input.conversationId, input.senderId) as { visible_from_seq: number } | undefined)?.visible_from_seq ?? 1;

  /** The message as the member sees it: null when there is none, or it came before their reading starts. */
  const messageFor = (member: MemberRecord, conversationId: ConversationId, messageId: string) => {
    const row = byId.get(conversationId, messageId) as MessageRow | undefined;
    return readableMessage(member, row ? toMessage(row) : null);
  };

  return {
    appendMessages(inputs) {
      return ctx.write(() => {
        const results = inputs.map((input): SendResult => {
          const found = conversationAndMember.get(input.senderId, input.conversationId) as
            | { conversation_id: string; kind: 'direct' | 'group'; member_id: string | null }
            | undefined;
          const existing = found?.member_id ? (byClientId.get(input.senderId, input.clientMessageId) as MessageRow | undefined) : undefined;
          const blocked = () => blockedInDirect.get({ sender: input.senderId, conversation: input.conversationId }) !== undefined;
          const relationsValid = () => relatedIds(input).length === 0 || relationsHold(input, visibleFrom(input), related);
          const decision = decideSend({ conversation: found ?? null, isMember: Boolean(found?.member_id), original: existing ? toMessage(existing) : null, blocked, relationsHold: relationsValid });
          if (decision.kind === 'refuse') return { ok: false, code: decision.code };
          if (decision.kind === 'duplicate') return { ok: true, message: decision.original, duplicate: true, event: null };
          const attachments = claimAttachments({ ids: input.attachmentIds, senderId: input.senderId, conversationId: input.conversationId, messageId: input.messageId });
          if (attachments === 'ATTACHMENT_INVALID') return { ok: false, code: attachments };
          const event = ctx.appendEvent(input.conversationId, input.senderId, input.at, (seq) => {
            insertMessage.run(
              input.messageId, input.conversationId, seq, input.senderId, input.clientMessageId, input.kind, JSON.stringify(input.content), input.searchText,
              input.replyTo, input.threadRootId, input.targetId, input.at, attachmentsJson(attachments),
            );
            return { type: 'message.created', message: newMessage(input, seq, attachments) };
          });
          const message = (event as Extract<typeof event, { type: 'message.created' }>).message;
          return { ok: true, message, duplicate: false, event };
        });
        indexForSearch(inputs.flatMap((input, i) => {
          const r = results[i]!;
          return r.ok && !r.duplicate && input.searchText !== null ? [{ id: r.message.id, text: input.searchText, attachments: r.message.attachments }] : [];
        }));
        return results;
      });
    },
    getMessage(conversationId, messageId) {
      const row = byId.get(conversationId, messageId) as MessageRow | undefined;
      return row ? toMessage(row) : null;
    },
    editMessage({ conversationId, messageId, actorId, kind, content, searchText, at }) {
      return ctx.write(() => {
        const { member } = ctx.requireMembership(conversationId, actorId);
        const found = messageFor(member, conversationId, messageId);
        checkEdit(actorId, found, kind);
        applyEdit.run(JSON.stringify(content), searchText, at, messageId);
        const event = ctx.appendEvent(conversationId, actorId, at, { type: 'message.edited', messageId, kind, content, editedAt: at } as ConversationEvent);
        return { message: { ...found!, content, editedAt: at } as Message, event };
      });
    },
    deleteMessageForEveryone({ conversationId, messageId, actorId, at }) {
      return ctx.write(() => {
        const { conversation, member } = ctx.requireMembership(conversationId, actorId);
        checkDeleteForEveryone(conversation, member, messageFor(member, conversationId, messageId));
        return erase({ conversationId, messageId, actorId, at });
      });
    },
    hideMessage({ conversationId, messageId, userId, at }) {
      return ctx.write(() => {
        const { member } = ctx.requireMembership(conversationId, userId);
        checkHide(messageFor(member, conversationId, messageId));
        const already = hiddenSeq.get(userId, messageId) as { user_seq: number } | undefined;
        if (already) {
          return toUserEvent(userEventAt.get(userId, already.user_seq) as UserEventRow);
        }
        const event = ctx.appendUserEvent(userId, at, { type: 'message.hidden', conversationId, messageId });
        insertHidden.run(userId, messageId, event.userSeq);
        return event;
      });
    },
    history({ conversationId, viewerId, before, after, limit }) {
      return ctx.read(() => {
        const { member } = ctx.requireMembership(conversationId, viewerId);
        const params = { conversationId, viewer: viewerId, from: member.visibleFromSeq, before, after, limit: Math.max(0, limit) + 1 };
        const page = (stmt: typeof historyLatest, descending: boolean) => {
          const rows = (stmt.all(params) as MessageRow[]).map(toMessage);
          const hasMore = rows.length > limit;
          const kept = rows.slice(0, Math.max(0, limit));
          return { messages: descending ? kept.reverse() : kept, hasMore };
        };
        if (after !== undefined && before !== undefined) return page(historyBetween, false);
        if (after !== undefined) return page(historyAfter, false);
        if (before !== undefined) return page(historyBefore, true);
        return page(historyLatest, true);
      });
    },
    eventsAfter(conversationId, after, limit) {
      const rows = eventsAfter.all(conversationId, after, Math.max(0, limit) + 1) as EventRow[];
      const hasMore = rows.length > limit;
      return { events: rows.slice(0, Math.max(0, limit)).map(toEvent), hasMore };
    },
    mailbox({ userId, box, limit, cursor }) {
      const stmt = box === 'received' ? (cursor ? mailbox.receivedAfterCursor : mailbox.received) : cursor ? mailbox.sentAfterCursor : mailbox.sent;
      const params: Record<string, unknown> = { viewer: userId, limit: Math.max(0, limit) };
      if (cursor) Object.assign(params, { at: cursor.at, id: cursor.id });
      return (stmt.all(params) as MailboxRow[]).map(
        (r): MailboxItem => ({
          ...toMessage(r),
          sender: toPublicUser({ id: r.sender_id, username: r.sender_username, display_name: r.sender_display_name, avatar_url: r.sender_avatar_url }),
          conversationTitle: r.conversation_title,
        }),
      );
    },
  };
}
