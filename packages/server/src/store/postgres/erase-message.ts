/**
 * Delete for everyone on PostgreSQL: the message becomes a tombstone AND its text leaves
 * the log. Events keep the text they were appended with, so without blanking them `sync`
 * and `/events` would keep serving a deleted message's body to anyone catching up. Its
 * uploads are released (attachments-port.ts), so the orphan sweep deletes their bytes.
 * Call inside the transaction holding the conversation lock, after the permission check.
 */
import type { ConversationEvent, MessageId, UserId } from '@parley/protocol';
import type { Tx } from './db';
import { appendEvents } from './event-log';
import type { ConversationRow, MessageRow } from './rows';

export async function eraseMessage(tx: Tx, conv: ConversationRow, message: MessageRow, actorId: UserId, at: number): Promise<ConversationEvent> {
  // By the ids the message lists: attachments has no message_id index.
  const attachmentIds = (message.attachments ?? []).map((a) => a.id);
  if (attachmentIds.length > 0) {
    await tx`
      UPDATE attachments SET message_id = NULL, conversation_id = NULL, released_at = ${at}
      WHERE id = ANY(${attachmentIds}::text[]) AND message_id = ${message.id}
    `;
  }
  await tx`
    UPDATE messages SET deleted_at = ${at}, content = NULL, search_text = NULL, attachments = NULL
    WHERE conversation_id = ${message.conversation_id} AND seq = ${message.seq} AND created_at = ${message.created_at}
  `;
  await tx`
    UPDATE events SET payload = jsonb_set(payload, '{message,content}', 'null') #- '{message,attachments}'
    WHERE type = 'message.created' AND message_id = ${message.id}
  `;
  await tx`
    UPDATE events SET payload = jsonb_set(payload, '{content}', 'null')
    WHERE type = 'message.edited' AND message_id = ${message.id}
  `;
  const [event] = await appendEvents(tx, conv, [{ type: 'message.deleted', actorId, at, messageId: message.id as MessageId }]);
  return event!;
}
