/** PostgreSQL schema step 11 (forward-only; never edit once released). */
import type { Migration } from './step';

export const moderationStep: Migration = {
  // The moderation area's migration (SQLite version 7, + 4 as above): blocks (two point
  // lookups answer "a block either way") and reports (one open per reporter and message).
  version: 11,
  name: 'moderation',
  up: `
      CREATE TABLE blocks (
        blocker_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at bigint NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      );
      CREATE INDEX blocks_by_blocked_idx ON blocks (blocked_id, blocker_id);
      CREATE TABLE reports (
        id text PRIMARY KEY,
        conversation_id text NOT NULL,
        message_id text NOT NULL,
        reporter_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        reason text NOT NULL,
        created_at bigint NOT NULL,
        resolved_at bigint,
        resolved_by text
      );
      CREATE UNIQUE INDEX reports_one_open_idx ON reports (reporter_id, message_id) WHERE resolved_at IS NULL;
      CREATE INDEX reports_open_idx ON reports (created_at, id) WHERE resolved_at IS NULL;
      CREATE INDEX reports_by_message_idx ON reports (message_id);
    `,
};
