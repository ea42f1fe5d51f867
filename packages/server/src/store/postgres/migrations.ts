/**
 * Versioned, forward-only schema migrations. Each step is applied once, in order, in
 * the same transaction that records it in schema_migrations. A transaction-scoped
 * advisory lock (keyed by the current schema) makes nodes that start together queue
 * up: the first one migrates, the others then find nothing left to do.
 *
 * Never edit a released step; add a new one.
 */
import type { Sql, Tx } from './db';
import { notificationCoalescing } from './migrations-0020-notification-coalescing';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

/** Advisory lock class shared by every Parley schema-level lock (see also partitions.ts). */
export const ADVISORY_CLASS = 0x7061726c; // 'parl'

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users and sessions',
    up: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        -- Byte order: usernames are lowercase ASCII-ish, prefix search and ordering must
        -- match the embedded adapter, and the one btree serves both.
        username text COLLATE "C" NOT NULL,
        display_name text NOT NULL,
        avatar_url text,
        password_hash text NOT NULL,
        last_seen_visibility text NOT NULL DEFAULT 'everyone' CHECK (last_seen_visibility IN ('everyone', 'nobody')),
        read_receipts boolean NOT NULL DEFAULT true,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        session_version integer NOT NULL DEFAULT 1,
        suspended_at bigint,
        last_seen_at bigint,
        created_at bigint NOT NULL,
        CONSTRAINT users_username_key UNIQUE (username)
      );
      CREATE TABLE refresh_tokens (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id text NOT NULL,
        token_hash text NOT NULL,
        expires_at bigint NOT NULL,
        used_at bigint,
        revoked_at bigint,
        created_at bigint NOT NULL,
        CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash)
      );
      CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
      CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
    `,
  },
  {
    version: 2,
    name: 'conversations, members and the event log',
    up: `
      CREATE TABLE conversations (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('direct', 'group')),
        title text,
        -- "min:max" of the two user ids; the unique key makes concurrent creators agree.
        direct_key text,
        last_seq bigint NOT NULL DEFAULT 0,
        receipts_version bigint NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        CONSTRAINT conversations_direct_key UNIQUE (direct_key)
      );
      CREATE TABLE members (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        delivered_seq bigint NOT NULL DEFAULT 0,
        read_seq bigint NOT NULL DEFAULT 0,
        archived boolean NOT NULL DEFAULT false,
        joined_at bigint NOT NULL,
        -- Tie-breaker for "oldest admin/member" when several joined in the same millisecond.
        join_order bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (conversation_id, user_id)
      );
      CREATE INDEX members_user_idx ON members (user_id, conversation_id);
      CREATE TABLE events (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        type text NOT NULL,
        actor_id text NOT NULL,
        at bigint NOT NULL,
        -- Set for message.* events so retention can find them.
        message_id text,
        -- The whole ConversationEvent as appended; never rewritten.
        payload jsonb NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE INDEX events_message_idx ON events (message_id) WHERE message_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'messages partitioned by month',
    up: `
      -- Partition key created_at (epoch ms). Monthly partitions come from
      -- ensurePartitions; the DEFAULT partition catches anything outside them.
      CREATE TABLE messages (
        conversation_id text NOT NULL,
        seq bigint NOT NULL,
        id text NOT NULL,
        sender_id text NOT NULL,
        client_message_id text NOT NULL,
        title text,
        body text NOT NULL,
        created_at bigint NOT NULL,
        edited_at bigint,
        deleted_at bigint,
        PRIMARY KEY (conversation_id, seq, created_at)
      ) PARTITION BY RANGE (created_at);
      CREATE TABLE messages_default PARTITION OF messages DEFAULT;
      -- Received lists walk each conversation newest first; sent lists walk the sender's.
      CREATE INDEX messages_conversation_time_idx ON messages (conversation_id, created_at DESC, id DESC);
      CREATE INDEX messages_sender_time_idx ON messages (sender_id, created_at DESC, id DESC);

      -- Idempotency and id lookup live outside the partitioned table because a unique
      -- index there would have to include created_at. The row locates the message
      -- exactly (conversation, seq, created_at), so lookups prune to one partition.
      CREATE TABLE message_keys (
        sender_id text NOT NULL,
        client_message_id text NOT NULL,
        message_id text NOT NULL,
        conversation_id text NOT NULL,
        seq bigint NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (sender_id, client_message_id),
        CONSTRAINT message_keys_message_key UNIQUE (message_id)
      );

      CREATE TABLE hidden_messages (
        conversation_id text NOT NULL,
        message_id text NOT NULL,
        user_id text NOT NULL,
        user_seq bigint NOT NULL,
        PRIMARY KEY (conversation_id, message_id, user_id)
      );
    `,
  },
  {
    version: 4,
    name: 'per-user event log',
    up: `
      ALTER TABLE users ADD COLUMN user_seq bigint NOT NULL DEFAULT 0;
      CREATE TABLE user_events (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        user_seq bigint NOT NULL,
        type text NOT NULL,
        at bigint NOT NULL,
        conversation_id text NOT NULL,
        message_id text,
        PRIMARY KEY (user_id, user_seq)
      );
    `,
  },
  {
    version: 5,
    name: 'event log without a foreign key check per event',
    // Events are appended only while the conversation row is locked, which already
    // proves it exists; the FK trigger cost one extra check per event on the hottest
    // write path (group commit), measured at ~15% of the batch insert.
    up: `
      ALTER TABLE events DROP CONSTRAINT events_conversation_id_fkey;
    `,
  },
  {
    // The attachments area's migration (SQLite version 2; 2-5 were taken here by the core).
    version: 6,
    name: 'attachments',
    // messages.attachments: the message's attachment list, written once by the send
    // (facts never change), so every message read carries it without a join.
    up: `
      CREATE TABLE attachments (
        id text PRIMARY KEY,
        owner_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('pending', 'ready')),
        name text NOT NULL,
        size bigint NOT NULL,
        content_type text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('image', 'file')),
        width integer,
        height integer,
        has_thumbnail boolean NOT NULL DEFAULT false,
        conversation_id text,
        message_id text,
        created_at bigint NOT NULL
      );
      CREATE INDEX attachments_owner_idx ON attachments (owner_id);
      CREATE INDEX attachments_unattached_idx ON attachments (created_at) WHERE message_id IS NULL;
      ALTER TABLE messages ADD COLUMN attachments jsonb;
    `,
  },
  {
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
  },
  {
    // The privacy area's migration (SQLite version 6, + 4 as above): retention takes the
    // oldest messages of the boundary month in bounded batches.
    version: 10,
    name: 'privacy',
    up: `
      CREATE INDEX messages_created_idx ON messages (created_at);
    `,
  },
  {
    // The moderation area's migration (SQLite version 7, + 4 as above): blocks (two point
    // lookups answer "a block either way") and reports (one open per reporter and message).
    version: 11,
    name: 'moderation',
    up: `
      CREATE TABLE blocks (
        blocker_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at bigint NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      );
      CREATE INDEX blocks_by_blocked_idx ON blocks (blocked_id, blocker_id);
      CREATE TABLE reports (
        id text PRIMARY KEY,
        conversation_id text NOT NULL,
        message_id text NOT NULL,
        reporter_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        reason text NOT NULL,
        created_at bigint NOT NULL,
        resolved_at bigint,
        resolved_by text
      );
      CREATE UNIQUE INDEX reports_one_open_idx ON reports (reporter_id, message_id) WHERE resolved_at IS NULL;
      CREATE INDEX reports_open_idx ON reports (created_at, id) WHERE resolved_at IS NULL;
      CREATE INDEX reports_by_message_idx ON reports (message_id);
    `,
  },
  {
    // The notifications area's migration (SQLite version 8, + 4 as above): notifications
    // keyed by a made-up id so concurrent deciders insert one (previews are joined from
    // messages at read time, never copied), push subscriptions by endpoint, and mute as a
    // flag on the membership.
    version: 12,
    name: 'notifications',
    up: `
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('message', 'mention', 'added')),
        conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        message_id text,
        seq bigint,
        message_at bigint,
        actor_id text,
        created_at bigint NOT NULL,
        read_at bigint
      );
      CREATE INDEX notifications_by_user_idx ON notifications (user_id, created_at DESC, id DESC);
      CREATE INDEX notifications_unread_idx ON notifications (user_id, conversation_id) WHERE read_at IS NULL;
      CREATE TABLE push_subscriptions (
        endpoint text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        p256dh text NOT NULL,
        auth text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX push_subscriptions_by_user_idx ON push_subscriptions (user_id);
      ALTER TABLE members ADD COLUMN muted boolean NOT NULL DEFAULT false;
    `,
  },
  {
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
  },
  {
    // Membership versions (SQLite version 12): a counter per user that changes in the
    // transaction of every join or leave, so a node re-checking its sockets reads many
    // users' versions in one query and re-reads only the conversations of those whose
    // version moved (realtime/session-recheck.ts). Statement triggers over the changed
    // rows, in user order: concurrent membership changes lock the counters in one order
    // and cannot deadlock on them. A table of its own, so that the hot users rows (last
    // seen) never wait on membership changes.
    version: 15,
    name: 'membership versions',
    up: `
      CREATE TABLE membership_versions (
        user_id text PRIMARY KEY,
        version bigint NOT NULL
      );
      CREATE FUNCTION parley_bump_membership_versions() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO membership_versions (user_id, version)
        SELECT user_id, 1 FROM changed_members GROUP BY user_id ORDER BY user_id
        ON CONFLICT (user_id) DO UPDATE SET version = membership_versions.version + 1;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER members_joined_version AFTER INSERT ON members
        REFERENCING NEW TABLE AS changed_members FOR EACH STATEMENT EXECUTE FUNCTION parley_bump_membership_versions();
      CREATE TRIGGER members_left_version AFTER DELETE ON members
        REFERENCING OLD TABLE AS changed_members FOR EACH STATEMENT EXECUTE FUNCTION parley_bump_membership_versions();
    `,
  },
  {
    // Avatars served by Parley (SQLite version 13): external avatar URLs,
    // fetched by every viewer's browser, are dropped; avatars are uploaded images now.
    version: 16,
    name: 'avatars served by parley',
    up: `
      UPDATE users SET avatar_url = NULL WHERE avatar_url IS NOT NULL AND avatar_url NOT LIKE '/api/avatars/%';
    `,
  },
  {
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
  },
  {
    // Who sees a group's history (SQLite version 15). conversations.history_visibility:
    // 'all' or 'joined'; existing conversations become 'all', what every member could
    // read until now (new groups get their creator's choice, default 'joined'). members.visible_from_seq: the first seq a
    // membership may read, set when it begins; existing members read the whole log (1).
    // Adding a column with a constant default rewrites no rows.
    version: 18,
    name: 'history visibility',
    up: `
      ALTER TABLE conversations ADD COLUMN history_visibility text NOT NULL DEFAULT 'all' CHECK (history_visibility IN ('all', 'joined'));
      ALTER TABLE members ADD COLUMN visible_from_seq bigint NOT NULL DEFAULT 1;
    `,
  },
  notificationCoalescing,
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

async function ensureLedger(tx: Tx): Promise<void> {
  await tx`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )
  `;
}

async function appliedIn(db: Sql | Tx): Promise<number[]> {
  const rows = await db<{ version: number }[]>`
    SELECT version FROM schema_migrations ORDER BY version
  `;
  return rows.map((r) => r.version);
}

/**
 * Applies every pending step up to `target` (default: all). Safe to call from many
 * processes at once. Returns the versions applied by this call.
 */
export async function migratePostgres(sql: Sql, opts: { target?: number } = {}): Promise<number[]> {
  const target = opts.target ?? LATEST_VERSION;
  return (await sql.begin(async (tx) => {
    // Migrations (and the wait for another node's) may take longer than a request may.
    await tx`SET LOCAL statement_timeout = 0`;
    await tx`SET LOCAL lock_timeout = 0`;
    await tx`SELECT pg_advisory_xact_lock(${ADVISORY_CLASS}, hashtext(coalesce(current_schema(), '')))`;
    await ensureLedger(tx);
    const done = new Set(await appliedIn(tx));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version > target || done.has(m.version)) continue;
      await tx.unsafe(m.up);
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
      applied.push(m.version);
    }
    return applied;
  })) as number[];
}

/** Versions recorded in schema_migrations, ascending (empty before the first migration). */
export async function appliedMigrations(sql: Sql): Promise<number[]> {
  const [exists] = await sql<{ present: boolean }[]>`
    SELECT to_regclass('schema_migrations') IS NOT NULL AS present
  `;
  if (!exists?.present) return [];
  return appliedIn(sql);
}
