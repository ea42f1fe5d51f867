/** PostgreSQL schema step 19 (forward-only; never edit once released). */
import type { Migration } from './step';

/** Text content from an old payload object: null where a delete had emptied the body. */
const textContent = (old: string) =>
  `CASE WHEN ${old}->>'body' = '' THEN 'null'::jsonb ELSE jsonb_build_object('title', ${old}->'title', 'body', ${old}->'body') END`;

export const typedMessageContentStep: Migration = {
  // Typed message content (SQLite version 16). messages.kind and messages.content (jsonb;
  // NULL once deleted for everyone) replace title and body: existing rows become 'text'
  // with { title, body }; no CHECK on kind, so a new kind needs no migration.
  // messages.search_text is what search may read, written by the domain from the kind
  // registry (NULL for kinds the server cannot read): the trigram index moves onto it.
  // Relations (reply_to, thread_root_id, target_id) are indexed where set. Event payloads
  // take the same shape (content null where the delete erased the body).
  version: 19,
  name: 'typed message content',
  up: `
    ALTER TABLE messages
      ADD COLUMN kind text NOT NULL DEFAULT 'text',
      ADD COLUMN content jsonb,
      ADD COLUMN search_text text,
      ADD COLUMN reply_to text,
      ADD COLUMN thread_root_id text,
      ADD COLUMN target_id text;
    UPDATE messages SET content = jsonb_build_object('title', title, 'body', body), search_text = body || coalesce(chr(10) || title, '')
    WHERE deleted_at IS NULL;

    DO $typed$
    DECLARE trgm_schema name;
    BEGIN
      SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
      DROP INDEX messages_search_idx;
      DROP FUNCTION message_search_text(text, text, jsonb);
      ALTER TABLE messages DROP COLUMN title, DROP COLUMN body;
      -- NULL (never matches) for a message search may not read.
      CREATE FUNCTION message_search_text(search_text text, attachments jsonb) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS 'SELECT search_text || chr(10) || coalesce((SELECT string_agg(a->>''name'', chr(10)) FROM jsonb_array_elements(attachments) a), '''')';
      EXECUTE format('CREATE INDEX messages_search_idx ON messages USING gin (message_search_text(search_text, attachments) %I.gin_trgm_ops)', trgm_schema);
    END
    $typed$;

    CREATE INDEX messages_replies_idx ON messages (reply_to) WHERE reply_to IS NOT NULL;
    CREATE INDEX messages_threads_idx ON messages (conversation_id, thread_root_id, seq) WHERE thread_root_id IS NOT NULL;
    CREATE INDEX messages_targets_idx ON messages (target_id) WHERE target_id IS NOT NULL;

    UPDATE events SET payload = jsonb_set(payload, '{message}', ((payload->'message') - 'title' - 'body') || jsonb_build_object(
      'kind', 'text',
      'content', ${textContent("(payload->'message')")},
      'replyTo', NULL, 'threadRootId', NULL, 'targetId', NULL))
    WHERE type = 'message.created';
    UPDATE events SET payload = (payload - 'title' - 'body') || jsonb_build_object(
      'kind', 'text',
      'content', ${textContent('payload')})
    WHERE type = 'message.edited';
  `,
};
