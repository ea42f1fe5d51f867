/** PostgreSQL schema step 14 (forward-only; never edit once released). */
import type { Migration } from './step';

export const attachmentReleaseStep: Migration = {
  // Released attachments (SQLite version 10, + 4 as above; SQLite 9 had no step here).
  // attachments.released_at is set when the message carrying an upload goes, in the
  // transaction that clears its message_id: never attached again, swept at once. Until
  // now a deleted message kept its uploads linked and the sweep never took their bytes.
  // Backfill: uploads linked to an already deleted message are released as of its
  // deletion, found through message_keys (which pins the message's partition).
  version: 14,
  name: 'attachment release',
  up: `
      ALTER TABLE attachments ADD COLUMN released_at bigint;
      UPDATE attachments a
      SET released_at = m.deleted_at, message_id = NULL, conversation_id = NULL
      FROM message_keys k
      JOIN messages m ON m.conversation_id = k.conversation_id AND m.seq = k.seq AND m.created_at = k.created_at
      WHERE a.message_id IS NOT NULL AND k.message_id = a.message_id AND m.deleted_at IS NOT NULL;
    `,
};
