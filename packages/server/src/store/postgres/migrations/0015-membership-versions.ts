/** PostgreSQL schema step 15 (forward-only; never edit once released). */
import type { Migration } from './step';

export const membershipVersionsStep: Migration = {
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
};
