/** Reading and changing messages, and reading the conversation event log. */
import type { ConversationEvent, ConversationId, Message, MessageId, MessageKind, UserEvent, UserId } from '@parley/protocol';
import { StoreError, type EventPage } from '../port';
import type { Db, Sql, Tx } from './db';
import { appendEvents, lockConversation, requireMember, type EventDraft } from './event-log';
import { eraseMessage } from './erase-message';
import { toConversation, toMember, toMessage, toUserEvent, type EventRow, type MemberRow, type MessageRow, type UserEventRow } from './rows';
import { checkDeleteForEveryone, checkEdit, checkHide } from '../../domain/rules/message-rights';
import { readableMessage } from '../../domain/rules/history-visibility';

export const MESSAGE_COLUMNS =
  'm.id, m.conversation_id, m.seq, m.sender_id, m.client_message_id, m.kind, m.content, m.reply_to, m.thread_root_id, m.target_id, m.created_at, m.edited_at, m.deleted_at, m.attachments';

/** Finds a message through message_keys, which pins its partition (created_at). */
export async function findMessage(db: Db, conversationId: ConversationId, messageId: MessageId): Promise<MessageRow | null> {
  const [row] = await db<MessageRow[]>`
    SELECT ${db.unsafe(MESSAGE_COLUMNS)}
    FROM message_keys k
    JOIN messages m ON m.conversation_id = k.conversation_id AND m.seq = k.seq AND m.created_at = k.created_at
    WHERE k.message_id = ${messageId} AND k.conversation_id = ${conversationId}
  `;
  return row ?? null;
}

/**
 * The rules' view of a message row (see domain/rules/message-rights.ts), as the member
 * sees it: none when it came before their reading starts (history-visibility.ts).
 */
const factsOf = (member: MemberRow, row: MessageRow | null) => {
  const readable = readableMessage(toMember(member), row);
  return readable ? { senderId: readable.sender_id, deletedAt: readable.deleted_at, kind: readable.kind as MessageKind } : null;
};

/** Next gapless per-user seq; the row lock serializes the user's concurrent events. */
export async function appendUserEvent(
  tx: Tx,
  userId: UserId,
  draft: { type: UserEvent['type']; at: number; conversationId: ConversationId; messageId?: MessageId },
): Promise<UserEvent> {
  const [row] = await tx<{ user_seq: number }[]>`
    UPDATE users SET user_seq = user_seq + 1 WHERE id = ${userId} RETURNING user_seq
  `;
  if (!row) throw new StoreError('NOT_FOUND', 'user not found');
  const [ev] = await tx<UserEventRow[]>`
    INSERT INTO user_events (user_id, user_seq, type, at, conversation_id, message_id)
    VALUES (${userId}, ${row.user_seq}, ${draft.type}, ${draft.at}, ${draft.conversationId}, ${draft.messageId ?? null})
    RETURNING user_seq, type, at, conversation_id, message_id
  `;
  return toUserEvent(ev!);
}

export function messageQueries(sql: Sql) {
  return {
    async getMessage(conversationId: ConversationId, messageId: MessageId): Promise<Message | null> {
      const row = await findMessage(sql, conversationId, messageId);
      return row ? toMessage(row) : null;
    },

    async editMessage(input: { conversationId: ConversationId; messageId: MessageId; actorId: UserId; kind: MessageKind; content: unknown; searchText: string | null; at: number }) {
      return (await sql.begin(async (tx) => {
        const conv = await lockConversation(tx, input.conversationId);
        const actor = await requireMember(tx, input.conversationId, input.actorId);
        const found = await findMessage(tx, input.conversationId, input.messageId);
        checkEdit(input.actorId, factsOf(actor, found), input.kind);
        const current = found!;
        const [row] = await tx<MessageRow[]>`
          UPDATE messages m SET content = ${JSON.stringify(input.content)}::text::jsonb, search_text = ${input.searchText}, edited_at = ${input.at}
          WHERE m.conversation_id = ${current.conversation_id} AND m.seq = ${current.seq} AND m.created_at = ${current.created_at}
          RETURNING ${tx.unsafe(MESSAGE_COLUMNS)}
        `;
        const [event] = await appendEvents(tx, conv, [
          { type: 'message.edited', actorId: input.actorId, at: input.at, messageId: input.messageId, kind: input.kind, content: input.content, editedAt: input.at } as EventDraft,
        ]);
        return { message: toMessage(row!), event: event! };
      })) as { message: Message; event: ConversationEvent };
    },

    async deleteMessageForEveryone(input: { conversationId: ConversationId; messageId: MessageId; actorId: UserId; at: number }) {
      return (await sql.begin(async (tx) => {
        const conv = await lockConversation(tx, input.conversationId);
        const actor = await requireMember(tx, input.conversationId, input.actorId);
        const current = await findMessage(tx, input.conversationId, input.messageId);
        checkDeleteForEveryone(toConversation(conv), toMember(actor), factsOf(actor, current));
        return eraseMessage(tx, conv, current!, input.actorId, input.at);
      })) as ConversationEvent;
    },

    async hideMessage(input: { conversationId: ConversationId; messageId: MessageId; userId: UserId; at: number }) {
      return (await sql.begin(async (tx) => {
        const member = await requireMember(tx, input.conversationId, input.userId);
        // Lock the user first so a concurrent hide of the same message waits and then
        // finds the mark instead of racing to insert it.
        await tx`SELECT 1 FROM users WHERE id = ${input.userId} FOR NO KEY UPDATE`;
        checkHide(factsOf(member, await findMessage(tx, input.conversationId, input.messageId)));
        const [prior] = await tx<UserEventRow[]>`
          SELECT e.user_seq, e.type, e.at, e.conversation_id, e.message_id
          FROM hidden_messages h
          JOIN user_events e ON e.user_id = h.user_id AND e.user_seq = h.user_seq
          WHERE h.conversation_id = ${input.conversationId} AND h.message_id = ${input.messageId} AND h.user_id = ${input.userId}
        `;
        if (prior) return toUserEvent(prior);
        const event = await appendUserEvent(tx, input.userId, {
          type: 'message.hidden',
          at: input.at,
          conversationId: input.conversationId,
          messageId: input.messageId,
        });
        await tx`
          INSERT INTO hidden_messages (conversation_id, message_id, user_id, user_seq)
          VALUES (${input.conversationId}, ${input.messageId}, ${input.userId}, ${event.userSeq})
        `;
        return event;
      })) as UserEvent;
    },

    async history(input: { conversationId: ConversationId; viewerId: UserId; before?: number; after?: number; limit: number }) {
      const viewer = await requireMember(sql, input.conversationId, input.viewerId);
      // Where the viewer's reading starts (history-visibility.ts): a range on the same key.
      const from = viewer.visible_from_seq;
      const notHidden = sql`
        NOT EXISTS (
          SELECT 1 FROM hidden_messages h
          WHERE h.conversation_id = m.conversation_id AND h.message_id = m.id AND h.user_id = ${input.viewerId}
        )
      `;
      const take = input.limit + 1;
      let rows: MessageRow[];
      if (input.after !== undefined) {
        rows = await sql<MessageRow[]>`
          SELECT ${sql.unsafe(MESSAGE_COLUMNS)} FROM messages m
          WHERE m.conversation_id = ${input.conversationId} AND m.seq > ${input.after} AND m.seq >= ${from}
            AND m.seq < ${input.before ?? Number.MAX_SAFE_INTEGER} AND ${notHidden}
          ORDER BY m.seq ASC LIMIT ${take}
        `;
      } else {
        rows = await sql<MessageRow[]>`
          SELECT ${sql.unsafe(MESSAGE_COLUMNS)} FROM messages m
          WHERE m.conversation_id = ${input.conversationId} AND m.seq >= ${from} AND m.seq < ${input.before ?? Number.MAX_SAFE_INTEGER} AND ${notHidden}
          ORDER BY m.seq DESC LIMIT ${take}
        `;
      }
      const hasMore = rows.length > input.limit;
      const page = rows.slice(0, input.limit).map(toMessage);
      if (input.after === undefined) page.reverse();
      return { messages: page, hasMore };
    },

    async eventsAfter(conversationId: ConversationId, after: number, limit: number): Promise<EventPage> {
      const rows = await sql<EventRow[]>`
        SELECT payload FROM events WHERE conversation_id = ${conversationId} AND seq > ${after}
        ORDER BY seq LIMIT ${limit + 1}
      `;
      return { events: rows.slice(0, limit).map((r) => r.payload), hasMore: rows.length > limit };
    },
  };
}
