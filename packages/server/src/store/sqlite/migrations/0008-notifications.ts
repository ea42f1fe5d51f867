/**
 * Notifications (forward-only; never edit once committed).
 *
 * - notifications: one row per notification, keyed by an id made from what it is about
 *   (so concurrent deciders insert it once). It points at the message by (conversation,
 *   seq) and never copies its text: previews are read at list time, so deletes and
 *   erasure leave nothing behind here. notifications_by_user walks a user's list newest
 *   first; notifications_unread (partial) counts and clears unread ones.
 * - push_subscriptions: keyed by endpoint (the push service's URL for one browser).
 * - members.muted: mute is per membership and ends with it.
 */
export const notificationsSchema = `
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('message', 'mention', 'added')),
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_id TEXT,
  seq INTEGER,
  message_at INTEGER,
  actor_id TEXT,
  created_at INTEGER NOT NULL,
  read_at INTEGER
) STRICT;
CREATE INDEX notifications_by_user ON notifications(user_id, created_at, id);
CREATE INDEX notifications_unread ON notifications(user_id, conversation_id) WHERE read_at IS NULL;

CREATE TABLE push_subscriptions (
  endpoint TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX push_subscriptions_by_user ON push_subscriptions(user_id);

ALTER TABLE members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
`;
