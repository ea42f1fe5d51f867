/** Users, profiles, privacy and refresh-token sessions. */
import type { UserId } from '@parley/protocol';
import type { SqliteContext, SyncStore } from './context';
import { notFound } from './errors';
import { peopleQuery } from '../people-search';
import { toPublicUser, toRefreshToken, toUser, type PublicUserRow, type RefreshTokenRow, type UserRow } from './rows';

type UserMethods = Pick<
  SyncStore,
  | 'createUser'
  | 'getUser'
  | 'getUserByUsername'
  | 'getPublicUsers'
  | 'searchUsers'
  | 'updateProfile'
  | 'updatePrivacy'
  | 'setLastSeen'
  | 'setLastSeenMany'
  | 'revokeAllSessions'
  | 'insertRefreshToken'
  | 'getRefreshTokenByHash'
  | 'markRefreshTokenUsed'
  | 'revokeRefreshFamily'
  | 'revokedSessions'
  | 'accessStates'
>;

const USER_COLUMNS = 'id, username, display_name, avatar_url, password_hash, privacy_last_seen, privacy_read_receipts, role, session_version, suspended_at, last_seen_at, created_at';
/** Sorts after every character a username can hold, so [prefix, prefix + MAX) is a prefix range on the index. */
const MAX_CHAR = '\u{10FFFF}';

export function userMethods(ctx: SqliteContext): UserMethods {
  const { db } = ctx;
  const insertUser = db.prepare('INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
  const byId = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
  const byUsername = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`);
  const publicByIds = db.prepare('SELECT id, username, display_name, avatar_url FROM users WHERE id IN (SELECT value FROM json_each(?))');
  // Two index probes, unioned: the username range, and the display-name words (FTS5 prefix
  // queries); the cursor is the last username of the previous page.
  const searchByUsername = db.prepare(
    'SELECT id, username, display_name, avatar_url FROM users WHERE username >= @from AND username < @to AND username > @after ORDER BY username LIMIT @limit',
  );
  const searchByName = db.prepare(`
    SELECT id, username, display_name, avatar_url FROM users WHERE username >= @from AND username < @to AND username > @after
    UNION
    SELECT u.id, u.username, u.display_name, u.avatar_url FROM users_name_fts f JOIN users u ON u.rowid = f.rowid
    WHERE users_name_fts MATCH @match AND u.username > @after
    ORDER BY username LIMIT @limit`);
  const updateProfile = db.prepare(
    'UPDATE users SET display_name = coalesce(@displayName, display_name), avatar_url = CASE WHEN @setAvatar THEN @avatarUrl ELSE avatar_url END WHERE id = @id',
  );
  const updatePrivacy = db.prepare(
    'UPDATE users SET privacy_last_seen = coalesce(@lastSeen, privacy_last_seen), privacy_read_receipts = coalesce(@readReceipts, privacy_read_receipts) WHERE id = @id',
  );
  const setLastSeen = db.prepare('UPDATE users SET last_seen_at = ? WHERE id = ?');
  const bumpSessionVersion = db.prepare('UPDATE users SET session_version = session_version + 1 WHERE id = ? RETURNING session_version');
  const revokeUserTokens = db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL');
  const insertToken = db.prepare(
    'INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, used_at, revoked_at, created_at) VALUES (@id, @userId, @familyId, @tokenHash, @expiresAt, @usedAt, @revokedAt, @createdAt)',
  );
  const tokenByHash = db.prepare('SELECT id, user_id, family_id, token_hash, expires_at, used_at, revoked_at, created_at FROM refresh_tokens WHERE token_hash = ?');
  const markUsed = db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL');
  const revokeFamily = db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL');
  const revokedAmong = db.prepare(
    'SELECT DISTINCT family_id FROM refresh_tokens WHERE family_id IN (SELECT value FROM json_each(?)) AND revoked_at IS NOT NULL',
  );
  const accessStatesOf = db.prepare(`
    SELECT u.id, u.session_version, u.suspended_at, coalesce(v.version, 0) AS membership_version
    FROM users u LEFT JOIN membership_versions v ON v.user_id = u.id
    WHERE u.id IN (SELECT value FROM json_each(?))`);

  const getUser = (id: UserId) => {
    const row = byId.get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  };
  const requireUser = (id: UserId) => {
    const user = getUser(id);
    if (!user) throw notFound('user');
    return user;
  };

  return {
    createUser(user) {
      return ctx.write(() => {
        insertUser.run(user.id, user.username, user.displayName, user.passwordHash, user.createdAt);
        return requireUser(user.id);
      });
    },
    getUser,
    getUserByUsername(username) {
      const row = byUsername.get(username) as UserRow | undefined;
      return row ? toUser(row) : null;
    },
    getPublicUsers(ids) {
      if (ids.length === 0) return [];
      return (publicByIds.all(JSON.stringify(ids)) as PublicUserRow[]).map(toPublicUser);
    },
    searchUsers(query, limit, after) {
      const { usernamePrefix: p, words } = peopleQuery(query);
      const args = { from: p, to: p + MAX_CHAR, after: after ?? '', limit: Math.max(0, limit) };
      // Each word a quoted prefix term (implicit AND): the words hold only letters and digits.
      const rows = words.length === 0 ? searchByUsername.all(args) : searchByName.all({ ...args, match: words.map((w) => `"${w}"*`).join(' ') });
      return (rows as PublicUserRow[]).map(toPublicUser);
    },
    updateProfile(id, patch) {
      return ctx.write(() => {
        const info = updateProfile.run({
          id,
          displayName: patch.displayName ?? null,
          setAvatar: patch.avatarUrl !== undefined ? 1 : 0,
          avatarUrl: patch.avatarUrl ?? null,
        });
        if (info.changes === 0) throw notFound('user');
        return requireUser(id);
      });
    },
    updatePrivacy(id, patch) {
      return ctx.write(() => {
        const info = updatePrivacy.run({
          id,
          lastSeen: patch.lastSeen ?? null,
          readReceipts: patch.readReceipts === undefined ? null : patch.readReceipts ? 1 : 0,
        });
        if (info.changes === 0) throw notFound('user');
        return requireUser(id);
      });
    },
    setLastSeen(id, at) {
      // An unknown (e.g. erased) user is not an error for presence bookkeeping.
      setLastSeen.run(at, id);
    },
    setLastSeenMany(entries) {
      ctx.write(() => {
        for (const { id, at } of entries) setLastSeen.run(at, id);
      });
    },
    revokeAllSessions(id, at) {
      return ctx.write(() => {
        const row = bumpSessionVersion.get(id) as { session_version: number } | undefined;
        if (!row) throw notFound('user');
        revokeUserTokens.run(at, id);
        return row.session_version;
      });
    },
    insertRefreshToken(token) {
      insertToken.run(token);
    },
    getRefreshTokenByHash(tokenHash) {
      const row = tokenByHash.get(tokenHash) as RefreshTokenRow | undefined;
      return row ? toRefreshToken(row) : null;
    },
    markRefreshTokenUsed(id, at) {
      return markUsed.run(at, id).changes === 1;
    },
    revokeRefreshFamily(familyId, at) {
      revokeFamily.run(at, familyId);
    },
    revokedSessions(familyIds) {
      if (familyIds.length === 0) return [];
      return (revokedAmong.all(JSON.stringify(familyIds)) as { family_id: string }[]).map((r) => r.family_id);
    },
    accessStates(ids) {
      if (ids.length === 0) return [];
      const rows = accessStatesOf.all(JSON.stringify(ids)) as { id: UserId; session_version: number; suspended_at: number | null; membership_version: number }[];
      return rows.map((r) => ({ id: r.id, sessionVersion: r.session_version, suspended: r.suspended_at !== null, membershipVersion: r.membership_version }));
    },
  };
}
