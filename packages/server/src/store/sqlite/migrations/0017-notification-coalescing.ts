/**
 * Message notifications coalesce per conversation (forward-only; never edit once committed).
 *
 * - notifications.message_count: the messages a notification stands for since it was
 *   last read (1 for mentions and adds).
 * - The `message` notifications already there become one per (user, conversation): the
 *   newest stays, under the id the decider now gives it (messageNotificationId, copied
 *   here as it is today), unread with the count of unread ones if any was unread, else
 *   read with a count of 1. Mentions and adds stay as they are.
 * - notifications_unread_by_time pages the unread ones newest first without walking the
 *   read ones.
 */
import { hash } from 'node:crypto';

/** The decider's id for a user's message notification in a conversation, as of this version. */
export function messageNotificationIdV17(userId: string, conversationId: string): string {
  return hash('sha256', `${userId}\nmessages:${conversationId}`, 'base64url').slice(0, 24);
}

export const notificationCoalescingFunctions = { parley_message_notification_id_v17: messageNotificationIdV17 };

export const notificationCoalescingSchema = `
ALTER TABLE notifications ADD COLUMN message_count INTEGER NOT NULL DEFAULT 1 CHECK (message_count >= 1);
CREATE TEMP TABLE coalesced_notifications AS
  SELECT id, unread FROM (
    SELECT id,
      row_number() OVER (PARTITION BY user_id, conversation_id ORDER BY created_at DESC, id DESC) AS newest,
      sum(read_at IS NULL) OVER (PARTITION BY user_id, conversation_id) AS unread
    FROM notifications WHERE kind = 'message')
  WHERE newest = 1;
DELETE FROM notifications WHERE kind = 'message' AND id NOT IN (SELECT id FROM temp.coalesced_notifications);
UPDATE notifications
  SET id = parley_message_notification_id_v17(user_id, conversation_id),
    message_count = max(k.unread, 1),
    read_at = CASE WHEN k.unread > 0 THEN NULL ELSE read_at END
  FROM temp.coalesced_notifications k WHERE notifications.id = k.id;
DROP TABLE temp.coalesced_notifications;
CREATE INDEX notifications_unread_by_time ON notifications(user_id, created_at, id) WHERE read_at IS NULL;
`;
