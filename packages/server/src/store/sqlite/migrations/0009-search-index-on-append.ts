/**
 * Search indexing of new messages moves from a trigger to appendMessages (forward-only;
 * never edit once committed).
 *
 * Why: FTS5 flushes its in-memory pending terms to a new on-disk segment whenever a
 * savepoint opens, and every INSERT INTO messages runs as a statement savepoint once a
 * trigger writes to another table. Through the trigger, each message became its own
 * segment (then merged again and again): ≈ 60 µs of the writer's time per message,
 * measured against the same rows indexed by plain statements (≈ 27 µs). appendMessages
 * now indexes a whole batch after storing it (search-index.ts), so a batch is one
 * segment. Edits, deletes for everyone and row deletes keep their triggers: they are
 * rare, and one segment each is fine there.
 */
export const searchIndexOnAppendSchema = `
DROP TRIGGER message_search_after_insert;
`;
