/** PostgreSQL schema step 8 (forward-only; never edit once released). */
import { ADVISORY_CLASS, type Migration } from './step';

export const searchStep: Migration = {
  // The search area's migration (SQLite version 4; PostgreSQL numbers areas' steps as
  // their SQLite version + 4, since 2-5 were taken here by the core).
  version: 8,
  name: 'search',
  // Substring search (partial words, CJK) through pg_trgm: a GIN trigram index on the
  // text search covers (title, body, attachment names), one per monthly partition, which
  // PostgreSQL creates on every partition attached later too. pg_trgm is database-wide:
  // created once (under a lock, since schemas migrate concurrently) in public, and its
  // operator class named by the schema it lives in.
  up: `
      DO $search$
      DECLARE trgm_schema name;
      BEGIN
        PERFORM pg_advisory_xact_lock(${ADVISORY_CLASS}, 8);
        IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
            RAISE EXCEPTION 'the pg_trgm extension is not available: install the PostgreSQL contrib package';
          END IF;
          CREATE EXTENSION pg_trgm SCHEMA public;
        END IF;
        SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
        CREATE FUNCTION message_search_text(title text, body text, attachments jsonb) RETURNS text
          LANGUAGE sql IMMUTABLE PARALLEL SAFE
          AS 'SELECT coalesce(title, '''') || chr(10) || body || chr(10) || coalesce((SELECT string_agg(a->>''name'', chr(10)) FROM jsonb_array_elements(attachments) a), '''')';
        EXECUTE format('CREATE INDEX messages_search_idx ON messages USING gin (message_search_text(title, body, attachments) %I.gin_trgm_ops)', trgm_schema);
      END
      $search$;
    `,
};
