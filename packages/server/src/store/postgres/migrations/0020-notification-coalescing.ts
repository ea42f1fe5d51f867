/**
 * PostgreSQL migration 20 (SQLite version 17): message notifications coalesce per
 * conversation. Never edit once released; add a new step.
 *
 * - notifications.message_count: the messages a notification stands for since it was
 *   last read (1 for mentions and adds).
 * - The `message` notifications already there become one per (user, conversation): the
 *   newest stays, under the id the decider now gives it (messageNotificationId: the
 *   first 24 base64url characters of sha256("<user>\nmessages:<conversation>")), unread
 *   with the count of unread ones if any was unread, else read with a count of 1.
 *   Mentions and adds stay as they are.
 * - notifications_unread_by_time_idx pages the unread ones newest first without walking
 *   the read ones.
 */
import type { Migration } from './step';

export const notificationCoalescingStep: Migration = {
  version: 20,
  name: 'notification coalescing',
  up: `
    ALTER TABLE notifications ADD COLUMN message_count integer NOT NULL DEFAULT 1 CHECK (message_count >= 1);
    CREATE TEMP TABLE coalesced_notifications ON COMMIT DROP AS
      SELECT id, unread FROM (
        SELECT id,
          row_number() OVER (PARTITION BY user_id, conversation_id ORDER BY created_at DESC, id DESC) AS newest,
          count(*) FILTER (WHERE read_at IS NULL) OVER (PARTITION BY user_id, conversation_id) AS unread
        FROM notifications WHERE kind = 'message') r
      WHERE newest = 1;
    DELETE FROM notifications n WHERE n.kind = 'message' AND NOT EXISTS (SELECT 1 FROM coalesced_notifications k WHERE k.id = n.id);
    UPDATE notifications n
      SET id = left(translate(encode(sha256(convert_to(n.user_id || chr(10) || 'messages:' || n.conversation_id, 'UTF8')), 'base64'), '+/', '-_'), 24),
        message_count = greatest(k.unread, 1),
        read_at = CASE WHEN k.unread > 0 THEN NULL ELSE n.read_at END
      FROM coalesced_notifications k WHERE n.id = k.id;
    CREATE INDEX notifications_unread_by_time_idx ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL;
  `,
};
