/**
 * Moderation: blocks and reports (forward-only; never edit once committed).
 *
 * - blocks: one row per (blocker, blocked). The primary key answers "did a block b",
 *   blocks_by_blocked answers "who blocked me", so "a block either way" is two point
 *   lookups.
 * - reports: at most one open report per (reporter, message) through a partial unique
 *   index; the admin's list of open reports walks reports_open in (created_at, id).
 */
export const moderationSchema = `
CREATE TABLE blocks (
  blocker_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  blocked_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX blocks_by_blocked ON blocks(blocked_id, blocker_id);

CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  reporter_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT
) STRICT;
CREATE UNIQUE INDEX reports_one_open ON reports(reporter_id, message_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_open ON reports(created_at, id) WHERE resolved_at IS NULL;
CREATE INDEX reports_by_message ON reports(message_id);
`;
