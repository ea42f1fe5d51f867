/**
 * Delete for everyone on SQLite: the message becomes a tombstone (its kind stays, its
 * content becomes null) AND its content leaves the log. Events keep the text they were appended with, so without blanking them `sync` and
 * `/events` would keep serving a deleted message's body to anyone catching up. Its
 * uploads are released (attachments-port.ts), so the orphan sweep deletes their bytes.
 */
import type { ConversationEvent, ConversationId, MessageId, UserId } from '@parley/protocol';
import type { SqliteContext } from './context';
import { EVENT_IS_MESSAGE, EVENT_MESSAGE_ID } from './migrations/0006-privacy';

export type MessageEraser = (input: { conversationId: ConversationId; messageId: MessageId; actorId: UserId; at: number }) => ConversationEvent;

/** Call the eraser inside ctx.write(), after checking the actor may delete the message. */
export function createMessageEraser(ctx: SqliteContext): MessageEraser {
  const { db } = ctx;
  // Found through the message's own list (messages.id is the key; attachments has no
  // message_id index), so this runs before the tombstone clears that list.
  const release = db.prepare(`UPDATE attachments SET message_id = NULL, conversation_id = NULL, released_at = @at
    WHERE message_id = @messageId
      AND id IN (SELECT json_extract(a.value, '$.id') FROM messages m, json_each(m.attachments) a WHERE m.id = @messageId)`);
  const tombstone = db.prepare('UPDATE messages SET content = NULL, search_text = NULL, attachments = NULL, deleted_at = ? WHERE id = ?');
  const blankCreated = db.prepare(`UPDATE events
    SET payload = json_remove(json_set(payload, '$.message.content', json('null')), '$.message.attachments')
    WHERE type = 'message.created' AND ${EVENT_IS_MESSAGE} AND ${EVENT_MESSAGE_ID} = @messageId`);
  const blankEdited = db.prepare(`UPDATE events
    SET payload = json_set(payload, '$.content', json('null'))
    WHERE type = 'message.edited' AND ${EVENT_IS_MESSAGE} AND ${EVENT_MESSAGE_ID} = @messageId`);
  return ({ conversationId, messageId, actorId, at }) => {
    release.run({ messageId, at });
    tombstone.run(at, messageId);
    blankCreated.run({ messageId });
    blankEdited.run({ messageId });
    return ctx.appendEvent(conversationId, actorId, at, { type: 'message.deleted', messageId });
  };
}
