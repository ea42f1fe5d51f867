/**
 * Attachments (forward-only; never edit once committed).
 *
 * - attachments holds what is known about each upload; the bytes are in the blob store
 *   under a server-made key derived from the id. A pending row reserves quota while the
 *   bytes stream in.
 * - messages.attachments keeps the attachment list of a message as JSON, written once in
 *   the send's transaction (attachment facts never change), so every read of a message
 *   — history, last message, mailbox — carries it without a join. NULL when none.
 */
export const attachmentsSchema = `
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('pending', 'ready')),
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'file')),
  width INTEGER,
  height INTEGER,
  has_thumbnail INTEGER NOT NULL DEFAULT 0,
  conversation_id TEXT,
  message_id TEXT,
  created_at INTEGER NOT NULL
) STRICT;
-- quota: the sum of one owner's sizes
CREATE INDEX attachments_owner ON attachments(owner_id);
-- the orphan sweep: oldest uploads no message carries
CREATE INDEX attachments_unattached ON attachments(created_at) WHERE message_id IS NULL;
ALTER TABLE messages ADD COLUMN attachments TEXT;
`;
