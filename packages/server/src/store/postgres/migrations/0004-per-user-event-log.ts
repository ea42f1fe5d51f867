/** PostgreSQL schema step 4 (forward-only; never edit once released). */
import type { Migration } from './step';

export const perUserEventLogStep: Migration = {
  version: 4,
  name: 'per-user event log',
  up: `
      ALTER TABLE users ADD COLUMN user_seq bigint NOT NULL DEFAULT 0;
      CREATE TABLE user_events (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        user_seq bigint NOT NULL,
        type text NOT NULL,
        at bigint NOT NULL,
        conversation_id text NOT NULL,
        message_id text,
        PRIMARY KEY (user_id, user_seq)
      );
    `,
};
