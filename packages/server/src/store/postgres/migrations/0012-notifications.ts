/** PostgreSQL schema step 12 (forward-only; never edit once released). */
import type { Migration } from './step';

export const notificationsStep: Migration = {
  // The notifications area's migration (SQLite version 8, + 4 as above): notifications
  // keyed by a made-up id so concurrent deciders insert one (previews are joined from
  // messages at read time, never copied), push subscriptions by endpoint, and mute as a
  // flag on the membership.
  version: 12,
  name: 'notifications',
  up: `
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('message', 'mention', 'added')),
        conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        message_id text,
        seq bigint,
        message_at bigint,
        actor_id text,
        created_at bigint NOT NULL,
        read_at bigint
      );
      CREATE INDEX notifications_by_user_idx ON notifications (user_id, created_at DESC, id DESC);
      CREATE INDEX notifications_unread_idx ON notifications (user_id, conversation_id) WHERE read_at IS NULL;
      CREATE TABLE push_subscriptions (
        endpoint text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        p256dh text NOT NULL,
        auth text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX push_subscriptions_by_user_idx ON push_subscriptions (user_id);
      ALTER TABLE members ADD COLUMN muted boolean NOT NULL DEFAULT false;
    `,
};
