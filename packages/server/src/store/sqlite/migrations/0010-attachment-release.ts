/**
 * Released attachments (forward-only; never edit once committed).
 *
 * - attachments.released_at: set when the message carrying an upload goes (delete for
 *   everyone, erasure of its author, retention), in the same transaction that clears its
 *   message_id. A released upload is never attached again and the orphan sweep takes it
 *   at once. Before this, a deleted message kept its uploads linked, so the sweep (which
 *   takes only unlinked ones) never deleted their bytes.
 * - Backfill: uploads still linked to a message that is already deleted are released as
 *   of its deletion. EXISTS probes messages by its key once per linked upload.
 */
export const attachmentReleaseSchema = `
ALTER TABLE attachments ADD COLUMN released_at INTEGER;
UPDATE attachments
SET released_at = (SELECT m.deleted_at FROM messages m WHERE m.id = attachments.message_id),
    message_id = NULL,
    conversation_id = NULL
WHERE message_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM messages m WHERE m.id = attachments.message_id AND m.deleted_at IS NOT NULL);
`;
