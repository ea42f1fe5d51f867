/**
 * Privacy: retention and erasure (forward-only; never edit once committed).
 *
 * - messages_created lets retention take the oldest messages in bounded batches.
 * - events_message indexes the message a message.* log entry is about (the id lives in
 *   the JSON payload), so retention and erasure rewrite exactly those entries without
 *   scanning a conversation's log. Queries must repeat EVENT_MESSAGE_ID and
 *   EVENT_IS_MESSAGE verbatim for SQLite to use it.
 */
export const EVENT_MESSAGE_ID = "json_extract(payload, CASE type WHEN 'message.created' THEN '$.message.id' ELSE '$.messageId' END)";
export const EVENT_IS_MESSAGE = "type IN ('message.created', 'message.edited', 'message.deleted')";

export const privacySchema = `
CREATE INDEX messages_created ON messages(created_at);
CREATE INDEX events_message ON events(${EVENT_MESSAGE_ID}) WHERE ${EVENT_IS_MESSAGE};
`;
