/** PostgreSQL schema step 6 (forward-only; never edit once released). */
import type { Migration } from './step';

export const attachmentsStep: Migration = {
  // The attachments area's migration (SQLite version 2; 2-5 were taken here by the core).
  version: 6,
  name: 'attachments',
  // messages.attachments: the message's attachment list, written once by the send
  // (facts never change), so every message read carries it without a join.
  up: `
      CREATE TABLE attachments (
        id text PRIMARY KEY,
        owner_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('pending', 'ready')),
        name text NOT NULL,
        size bigint NOT NULL,
        content_type text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('image', 'file')),
        width integer,
        height integer,
        has_thumbnail boolean NOT NULL DEFAULT false,
        conversation_id text,
        message_id text,
        created_at bigint NOT NULL
      );
      CREATE INDEX attachments_owner_idx ON attachments (owner_id);
      CREATE INDEX attachments_unattached_idx ON attachments (created_at) WHERE message_id IS NULL;
      ALTER TABLE messages ADD COLUMN attachments jsonb;
    `,
};
