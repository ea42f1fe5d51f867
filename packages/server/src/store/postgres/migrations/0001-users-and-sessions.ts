/** PostgreSQL schema step 1 (forward-only; never edit once released). */
import type { Migration } from './step';

export const usersAndSessionsStep: Migration = {
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
};
