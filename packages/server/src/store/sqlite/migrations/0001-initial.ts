/**
 * The initial schema. Forward-only: never edit a migration once committed; add a new one.
 *
 * Notes on the shape:
 * - conversations.last_seq is the head of the per-conversation event log; every append
 *   bumps it in the same transaction, which is what makes seqs gapless.
 * - events keep the payload as JSON exactly as appended (a message.created event keeps
 *   the original body after an edit; later events describe the edit).
 * - members is a rowid table on purpose: rowid breaks ties in join order (ownership
 *   hand-over picks the oldest member, and a group's members can join in one instant).
 * - users.user_seq is the head of the per-user event log (gapless, like last_seq).
 */
export const initialSchema = `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  avatar_url TEXT,
  password_hash TEXT NOT NULL,
  privacy_last_seen TEXT NOT NULL DEFAULT 'everyone',
  privacy_read_receipts INTEGER NOT NULL DEFAULT 1,
  role TEXT NOT NULL DEFAULT 'user',
  session_version INTEGER NOT NULL DEFAULT 1,
  suspended_at INTEGER,
  last_seen_at INTEGER,
  created_at INTEGER NOT NULL,
  user_seq INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
  title TEXT,
  -- "min(a,b):max(a,b)" for direct conversations: one per unordered pair.
  direct_key TEXT UNIQUE,
  last_seq INTEGER NOT NULL DEFAULT 0,
  receipts_version INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE members (
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  delivered_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0,
  archived INTEGER NOT NULL DEFAULT 0,
  joined_at INTEGER NOT NULL,
  UNIQUE (conversation_id, user_id)
) STRICT;
CREATE INDEX members_by_user ON members(user_id, conversation_id);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  sender_id TEXT NOT NULL REFERENCES users(id),
  client_message_id TEXT NOT NULL,
  title TEXT,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  deleted_at INTEGER
) STRICT;
-- history paging, unread counting and last message: keyset on (conversation, seq)
CREATE UNIQUE INDEX messages_history ON messages(conversation_id, seq);
-- exactly once per (sender, client id)
CREATE UNIQUE INDEX messages_idempotency ON messages(sender_id, client_message_id);
-- mailbox: sent (newest first) and received (per conversation, newest first)
CREATE INDEX messages_sent ON messages(sender_id, created_at, id);
CREATE INDEX messages_received ON messages(conversation_id, created_at, id);

CREATE TABLE events (
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE hidden_messages (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_seq INTEGER NOT NULL,
  PRIMARY KEY (user_id, message_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX hidden_messages_by_message ON hidden_messages(message_id);

CREATE TABLE user_events (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  user_seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (user_id, user_seq)
) STRICT, WITHOUT ROWID;
`;
