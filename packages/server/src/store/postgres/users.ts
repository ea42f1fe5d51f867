/** Users, profiles, privacy and refresh tokens. */
import type { Privacy, UserId } from '@parley/protocol';
import { StoreError, type NewUser, type PublicUserRecord, type RefreshTokenRecord, type UserAccessState, type UserRecord } from '../port';
import type { Sql } from './db';
import { isUniqueViolation } from './errors';
import { peopleQuery } from '../people-search';
import { toPublicUser, toRefreshToken, toUser, type PublicUserRow, type RefreshTokenRow, type UserRow } from './rows';

const USER_COLUMNS = `id, username, display_name, avatar_url, password_hash, last_seen_visibility,
  read_receipts, role, session_version, suspended_at, last_seen_at, created_at`;

// Above every code point: `username < prefix || MAX` bounds a prefix range in "C" order.
const MAX_CHAR = '\u{10FFFF}';

export function userQueries(sql: Sql) {
  const cols = sql.unsafe(USER_COLUMNS);

  return {
    async createUser(user: NewUser): Promise<UserRecord> {
      try {
        const [row] = await sql<UserRow[]>`
          INSERT INTO users (id, username, display_name, password_hash, created_at)
          VALUES (${user.id}, ${user.username}, ${user.displayName}, ${user.passwordHash}, ${user.createdAt})
          RETURNING ${cols}
        `;
        return toUser(row!);
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoreError('CONFLICT', 'username taken', { cause: err });
        throw err;
      }
    },

    async getUser(id: UserId): Promise<UserRecord | null> {
      const [row] = await sql<UserRow[]>`SELECT ${cols} FROM users WHERE id = ${id}`;
      return row ? toUser(row) : null;
    },

    async getUserByUsername(username: string): Promise<UserRecord | null> {
      const [row] = await sql<UserRow[]>`SELECT ${cols} FROM users WHERE username = ${username}`;
      return row ? toUser(row) : null;
    },

    async getPublicUsers(ids: readonly UserId[]): Promise<PublicUserRecord[]> {
      if (ids.length === 0) return [];
      const rows = await sql<PublicUserRow[]>`
        SELECT id, username, display_name, avatar_url FROM users WHERE id = ANY(${[...ids]}::text[])
      `;
      return rows.map(toPublicUser);
    },

    // Two index probes, unioned: the username range (btree) and the display-name words
    // (GIN, prefix tsquery); the cursor is the last username of the previous page.
    async searchUsers(query: string, limit: number, after?: string): Promise<PublicUserRecord[]> {
      const { usernamePrefix: p, words } = peopleQuery(query);
      const from = after ?? '';
      const rows =
        words.length === 0
          ? await sql<PublicUserRow[]>`
              SELECT id, username, display_name, avatar_url FROM users
              WHERE username >= ${p} AND username < ${p + MAX_CHAR} AND username > ${from}
              ORDER BY username
              LIMIT ${limit}
            `
          : await sql<PublicUserRow[]>`
              SELECT id, username, display_name, avatar_url FROM users
              WHERE username >= ${p} AND username < ${p + MAX_CHAR} AND username > ${from}
              UNION
              SELECT id, username, display_name, avatar_url FROM users
              WHERE users_name_folded(display_name) @@ to_tsquery('simple', ${words.map((w) => `${w}:*`).join(' & ')}) AND username > ${from}
              ORDER BY username
              LIMIT ${limit}
            `;
      return rows.map(toPublicUser);
    },

    async updateProfile(id: UserId, patch: { displayName?: string; avatarUrl?: string | null }): Promise<UserRecord> {
      const [row] = await sql<UserRow[]>`
        UPDATE users SET
          display_name = CASE WHEN ${patch.displayName !== undefined} THEN ${patch.displayName ?? null}::text ELSE display_name END,
          avatar_url = CASE WHEN ${patch.avatarUrl !== undefined} THEN ${patch.avatarUrl ?? null}::text ELSE avatar_url END
        WHERE id = ${id}
        RETURNING ${cols}
      `;
      if (!row) throw new StoreError('NOT_FOUND', 'user not found');
      return toUser(row);
    },

    async updatePrivacy(id: UserId, patch: Partial<Privacy>): Promise<UserRecord> {
      const [row] = await sql<UserRow[]>`
        UPDATE users SET
          last_seen_visibility = coalesce(${patch.lastSeen ?? null}::text, last_seen_visibility),
          read_receipts = coalesce(${patch.readReceipts ?? null}::boolean, read_receipts)
        WHERE id = ${id}
        RETURNING ${cols}
      `;
      if (!row) throw new StoreError('NOT_FOUND', 'user not found');
      return toUser(row);
    },

    async setLastSeen(id: UserId, at: number): Promise<void> {
      await sql`UPDATE users SET last_seen_at = ${at} WHERE id = ${id}`;
    },

    async setLastSeenMany(entries: readonly { id: UserId; at: number }[]): Promise<void> {
      if (entries.length === 0) return;
      await sql`
        UPDATE users u SET last_seen_at = v.at
        FROM unnest(${sql.array(entries.map((e) => e.id))}::text[], ${sql.array(entries.map((e) => e.at))}::bigint[]) AS v(id, at)
        WHERE u.id = v.id
      `;
    },

    async revokeAllSessions(id: UserId, at: number): Promise<number> {
      const version = await sql.begin(async (tx) => {
        const [row] = await tx<{ session_version: number }[]>`
          UPDATE users SET session_version = session_version + 1 WHERE id = ${id} RETURNING session_version
        `;
        if (!row) throw new StoreError('NOT_FOUND', 'user not found');
        await tx`UPDATE refresh_tokens SET revoked_at = ${at} WHERE user_id = ${id} AND revoked_at IS NULL`;
        return row.session_version;
      });
      return version as number;
    },

    async insertRefreshToken(t: RefreshTokenRecord): Promise<void> {
      await sql`
        INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, used_at, revoked_at, created_at)
        VALUES (${t.id}, ${t.userId}, ${t.familyId}, ${t.tokenHash}, ${t.expiresAt}, ${t.usedAt}, ${t.revokedAt}, ${t.createdAt})
      `;
    },

    async getRefreshTokenByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
      const [row] = await sql<RefreshTokenRow[]>`SELECT * FROM refresh_tokens WHERE token_hash = ${tokenHash}`;
      return row ? toRefreshToken(row) : null;
    },

    async markRefreshTokenUsed(id: string, at: number): Promise<boolean> {
      const rows = await sql`
        UPDATE refresh_tokens SET used_at = ${at}
        WHERE id = ${id} AND used_at IS NULL AND revoked_at IS NULL
        RETURNING id
      `;
      return rows.length === 1;
    },

    async revokeRefreshFamily(familyId: string, at: number): Promise<void> {
      await sql`UPDATE refresh_tokens SET revoked_at = ${at} WHERE family_id = ${familyId} AND revoked_at IS NULL`;
    },

    async revokedSessions(familyIds: readonly string[]): Promise<string[]> {
      if (familyIds.length === 0) return [];
      const rows = await sql<{ family_id: string }[]>`
        SELECT DISTINCT family_id FROM refresh_tokens WHERE family_id = ANY(${[...familyIds]}::text[]) AND revoked_at IS NOT NULL
      `;
      return rows.map((r) => r.family_id);
    },

    async accessStates(ids: readonly UserId[]): Promise<UserAccessState[]> {
      if (ids.length === 0) return [];
      const rows = await sql<{ id: UserId; session_version: number; suspended_at: number | null; membership_version: number }[]>`
        SELECT u.id, u.session_version, u.suspended_at, coalesce(v.version, 0)::bigint AS membership_version
        FROM users u LEFT JOIN membership_versions v ON v.user_id = u.id
        WHERE u.id = ANY(${[...ids]}::text[])
      `;
      return rows.map((r) => ({ id: r.id, sessionVersion: r.session_version, suspended: r.suspended_at !== null, membershipVersion: r.membership_version }));
    },

  };
}
