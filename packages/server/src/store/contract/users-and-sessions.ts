/** Store contract, part: users, refresh tokens. See ../contract.ts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { PublicUserSchema, type UserId } from '@parley/protocol';
import { type Store } from '../port';
import { T0, type Kit } from './kit';

export function usersAndSessions(k: Kit): void {
  const { fresh, user, users, expectCode, range } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  describe('users', () => {
    it('creates a user with the documented defaults and finds it by id and username', async () => {
      const id = fresh('u') as UserId;
      const created = await store.createUser({ id, username: id.toLowerCase(), displayName: 'Ann', passwordHash: 'h1', createdAt: T0 + 5 });
      expect(created).toEqual({
        id,
        username: id.toLowerCase(),
        displayName: 'Ann',
        avatarUrl: null,
        passwordHash: 'h1',
        privacy: { lastSeen: 'everyone', readReceipts: true },
        role: 'user',
        sessionVersion: 1,
        suspendedAt: null,
        lastSeenAt: null,
        createdAt: T0 + 5,
      });
      expect(await store.getUser(id)).toEqual(created);
      expect(await store.getUserByUsername(id.toLowerCase())).toEqual(created);
      expect(await store.getUser(fresh('u') as UserId)).toBeNull();
      expect(await store.getUserByUsername(fresh('nobody'))).toBeNull();
    });

    it('refuses a taken username with CONFLICT', async () => {
      const a = await user();
      await expectCode(
        store.createUser({ id: fresh('u') as UserId, username: a.username, displayName: 'X', passwordHash: 'h', createdAt: T0 }),
        'CONFLICT',
      );
      await expectCode(store.createUser({ id: a.id, username: fresh('u').toLowerCase(), displayName: 'X', passwordHash: 'h', createdAt: T0 }), 'CONFLICT');
      expect(await store.getUser(a.id)).toEqual(a);
    });

    it('returns public users, leaving unknown ids out', async () => {
      const [a, b] = await users(2);
      const found = await store.getPublicUsers([a!.id, fresh('u') as UserId, b!.id]);
      expect(found.map((u) => PublicUserSchema.parse(u)).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [a!, b!].map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, avatarUrl: null })).sort((x, y) => x.id.localeCompare(y.id)),
      );
      expect(await store.getPublicUsers([])).toEqual([]);
    });

    it('searches usernames by lower-cased prefix, ordered by username, limited', async () => {
      const prefix = fresh('s');
      for (const suffix of ['c', 'a', 'b']) {
        await store.createUser({ id: fresh('u') as UserId, username: `${prefix}${suffix}`, displayName: suffix, passwordHash: 'h', createdAt: T0 });
      }
      await store.createUser({ id: fresh('u') as UserId, username: `z${prefix}`, displayName: 'no', passwordHash: 'h', createdAt: T0 });
      const all = await store.searchUsers(prefix.toUpperCase(), 10);
      expect(all.map((u) => u.username)).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
      expect((await store.searchUsers(prefix, 2)).map((u) => u.username)).toEqual([`${prefix}a`, `${prefix}b`]);
      for (const u of all) PublicUserSchema.parse(u);
    });

    it('finds people by display-name words too, ignoring case and accents, page by page', async () => {
      const tag = fresh('w');
      const make = (username: string, displayName: string) =>
        store.createUser({ id: fresh('u') as UserId, username: `${tag}${username}`, displayName, passwordHash: 'h', createdAt: T0 });
      const ann = await make('a1', `Ann Example ${tag}`);
      const zoe = await make('a2', `Zoë Ångström ${tag}`);
      await make('a3', `Annabel ${tag}`);
      await make('a4', `Someone Else ${tag}`);
      const names = async (q: string, limit = 10, after?: string) => (await store.searchUsers(q, limit, after)).map((u) => u.username);

      // Every word must start a word of the name; the tag keeps other tests' users out.
      expect(await names(`ann ex ${tag}`)).toEqual([ann.username]);
      expect(await names(`ANN ${tag}`)).toEqual([`${tag}a1`, `${tag}a3`]);
      expect(await names(`zoe angs ${tag}`)).toEqual([zoe.username]);
      expect(await names(`${tag} xample`)).toEqual([]);
      // The username prefix still works, alone or with an "@".
      expect(await names(`@${tag}a`)).toEqual([`${tag}a1`, `${tag}a2`, `${tag}a3`, `${tag}a4`]);
      // Pages: the cursor is the last username of the previous page.
      expect(await names(tag, 2)).toEqual([`${tag}a1`, `${tag}a2`]);
      expect(await names(tag, 2, `${tag}a2`)).toEqual([`${tag}a3`, `${tag}a4`]);
      // A rename is found under the new name only.
      await store.updateProfile(ann.id, { displayName: `Ann Renamed ${tag}` });
      expect(await names(`ann ex ${tag}`)).toEqual([]);
      expect(await names(`renamed ${tag}`)).toEqual([ann.username]);
    });

    it('updates profile and privacy field by field', async () => {
      const a = await user('Before');
      const withAvatar = await store.updateProfile(a.id, { avatarUrl: 'https://example.test/a.png' });
      expect(withAvatar.displayName).toBe('Before');
      expect(withAvatar.avatarUrl).toBe('https://example.test/a.png');
      const renamed = await store.updateProfile(a.id, { displayName: 'After' });
      expect(renamed.displayName).toBe('After');
      expect(renamed.avatarUrl).toBe('https://example.test/a.png');
      expect((await store.updateProfile(a.id, { avatarUrl: null })).avatarUrl).toBeNull();

      const p1 = await store.updatePrivacy(a.id, { readReceipts: false });
      expect(p1.privacy).toEqual({ lastSeen: 'everyone', readReceipts: false });
      const p2 = await store.updatePrivacy(a.id, { lastSeen: 'nobody' });
      expect(p2.privacy).toEqual({ lastSeen: 'nobody', readReceipts: false });
      expect((await store.getUser(a.id))!.privacy).toEqual({ lastSeen: 'nobody', readReceipts: false });
    });

    it('records last seen', async () => {
      const a = await user();
      await store.setLastSeen(a.id, T0 + 99);
      expect((await store.getUser(a.id))!.lastSeenAt).toBe(T0 + 99);
    });

    it('records last seen for many users at once, ignoring unknown ones', async () => {
      const [a, b] = await users(2);
      await store.setLastSeenMany([
        { id: a!.id, at: T0 + 5 },
        { id: 'nobody-here' as UserId, at: T0 + 6 },
        { id: b!.id, at: T0 + 7 },
      ]);
      expect((await store.getUser(a!.id))!.lastSeenAt).toBe(T0 + 5);
      expect((await store.getUser(b!.id))!.lastSeenAt).toBe(T0 + 7);
      await store.setLastSeenMany([]);
    });
  });

  describe('refresh tokens', () => {
    async function token(userId: UserId, familyId = fresh('f')) {
      const t = { id: fresh('t'), userId, familyId, tokenHash: fresh('h'), expiresAt: T0 + 1e6, usedAt: null, revokedAt: null, createdAt: T0 };
      await store.insertRefreshToken(t);
      return t;
    }

    it('stores a token and finds it by hash', async () => {
      const a = await user();
      const t = await token(a.id);
      expect(await store.getRefreshTokenByHash(t.tokenHash)).toEqual(t);
      expect(await store.getRefreshTokenByHash(fresh('h'))).toBeNull();
    });

    it('marks a token used exactly once (compare-and-set), even when raced', async () => {
      const a = await user();
      const t = await token(a.id);
      const results = await Promise.all(range(1, 8).map((i) => store.markRefreshTokenUsed(t.id, T0 + i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.markRefreshTokenUsed(t.id, T0 + 50)).toBe(false);
      const stored = await store.getRefreshTokenByHash(t.tokenHash);
      expect(stored!.usedAt).not.toBeNull();
    });

    it('revokes a whole family and nothing else', async () => {
      const a = await user();
      const family = fresh('f');
      const t1 = await token(a.id, family);
      const t2 = await token(a.id, family);
      const other = await token(a.id);
      await store.revokeRefreshFamily(family, T0 + 7);
      expect((await store.getRefreshTokenByHash(t1.tokenHash))!.revokedAt).toBe(T0 + 7);
      expect((await store.getRefreshTokenByHash(t2.tokenHash))!.revokedAt).toBe(T0 + 7);
      expect(await store.markRefreshTokenUsed(t1.id, T0 + 8)).toBe(false);
      expect((await store.getRefreshTokenByHash(other.tokenHash))!.revokedAt).toBeNull();
      expect(await store.markRefreshTokenUsed(other.id, T0 + 8)).toBe(true);
    });

    it('log out everywhere bumps sessionVersion and revokes every token of the user', async () => {
      const [a, b] = await users(2);
      const t1 = await token(a!.id);
      const t2 = await token(a!.id);
      const bt = await token(b!.id);
      expect(await store.revokeAllSessions(a!.id, T0 + 3)).toBe(2);
      expect((await store.getUser(a!.id))!.sessionVersion).toBe(2);
      expect(await store.revokeAllSessions(a!.id, T0 + 4)).toBe(3);
      for (const t of [t1, t2]) {
        expect((await store.getRefreshTokenByHash(t.tokenHash))!.revokedAt).not.toBeNull();
        expect(await store.markRefreshTokenUsed(t.id, T0 + 5)).toBe(false);
      }
      expect((await store.getRefreshTokenByHash(bt.tokenHash))!.revokedAt).toBeNull();
      expect((await store.getUser(b!.id))!.sessionVersion).toBe(1);
    });
  });

  // ---- conversations and membership
}
