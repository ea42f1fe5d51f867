/** PostgreSQL schema step 17 (forward-only; never edit once released). */
import { ADVISORY_CLASS, type Migration } from './step';

export const peopleSearchStep: Migration = {
  // People search (SQLite version 14): display-name words found by word prefix, case
  // and accents ignored, through a GIN index on the names' text-search vectors (the
  // simple parser: no stemming, no stop words). unaccent is database-wide like pg_trgm
  // (created once, under a lock, in public); users_name_folded() wraps it as IMMUTABLE,
  // naming the dictionary by the schema it lives in, so it can be indexed.
  version: 17,
  name: 'people search',
  up: `
      DO $people$
      DECLARE unaccent_schema name;
      BEGIN
        PERFORM pg_advisory_xact_lock(${ADVISORY_CLASS}, 17);
        IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
          IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') THEN
            RAISE EXCEPTION 'the unaccent extension is not available: install the PostgreSQL contrib package';
          END IF;
          CREATE EXTENSION unaccent SCHEMA public;
        END IF;
        SELECT n.nspname INTO unaccent_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
        EXECUTE format('CREATE FUNCTION users_name_folded(name text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE '
          'AS %L', format('SELECT to_tsvector(''simple''::regconfig, %I.unaccent(%L::regdictionary, name))', unaccent_schema, unaccent_schema || '.unaccent'));
        CREATE INDEX users_name_search_idx ON users USING gin (users_name_folded(display_name));
      END
      $people$;
    `,
};
