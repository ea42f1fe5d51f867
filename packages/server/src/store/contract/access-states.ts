/**
 * Store contract, part: what a node re-checks about its open sockets — revoked sessions
 * and users' access states (session version, suspension, membership version). See
 * ../contract.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '@parley/protocol';
import type { Store, UserAccessState } from '../port';
import { T0, type Kit } from './kit';

export function accessStates(k: Kit): void {
  const { fresh, user, users, group, direct, convId } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  async function token(userId: UserId, familyId = fresh('f')) {
    await store.insertRefreshToken({ id: fresh('t'), userId, familyId, tokenHash: fresh('h'), expiresAt: T0 + 1e6, usedAt: null, revokedAt: null, createdAt: T0 });
    return familyId;
  }
  const stateOf = async (id: UserId): Promise<UserAccessState> => {
    const [s] = await store.accessStates([id]);
    if (!s) throw new Error('no access state');
    return s;
  };
  const versionOf = async (id: UserId) => (await stateOf(id)).membershipVersion;

  describe('revoked sessions', () => {
    it('names the revoked families among those asked, and only them', async () => {
      const [a, b] = await users(2);
      const kept = await token(a!.id);
      const loggedOut = await token(a!.id);
      await token(a!.id, loggedOut); // a family has several tokens: named once
      const ofB = await token(b!.id);
      await store.revokeRefreshFamily(loggedOut, T0 + 1);
      expect(await store.revokedSessions([kept, loggedOut, ofB, fresh('f')])).toEqual([loggedOut]);
      expect(await store.revokedSessions([])).toEqual([]);

      // Log out everywhere revokes every family of the user, and no one else's.
      await store.revokeAllSessions(a!.id, T0 + 2);
      expect((await store.revokedSessions([kept, loggedOut, ofB])).sort()).toEqual([kept, loggedOut].sort());
    });
  });

  describe('access states', () => {
    it('reads session version, suspension and membership version for many users in one call', async () => {
      const [a, b] = await users(2);
      expect(await store.accessStates([])).toEqual([]);
      const both = await store.accessStates([a!.id, fresh('u') as UserId, b!.id]);
      expect(both.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [a!, b!].map((u) => ({ id: u.id, sessionVersion: 1, suspended: false, membershipVersion: 0 })).sort((x, y) => x.id.localeCompare(y.id)),
      );
      await store.revokeAllSessions(a!.id, T0 + 1);
      await store.moderation.setSuspended(b!.id, T0 + 2);
      expect(await stateOf(a!.id)).toMatchObject({ sessionVersion: 2, suspended: false });
      expect(await stateOf(b!.id)).toMatchObject({ sessionVersion: 1, suspended: true });
      await store.moderation.setSuspended(b!.id, null);
      expect((await stateOf(b!.id)).suspended).toBe(false);
    });

    it('changes a user\'s membership version with every join and leave of theirs, and with nothing else', async () => {
      const [owner, m, bystander] = await users(3);
      const seen = new Set<number>([await versionOf(m!.id)]);
      /** The version moved to one never seen before (only equality means anything). */
      const moved = async (id: UserId) => {
        const v = await versionOf(id);
        expect(seen.has(v)).toBe(false);
        seen.add(v);
      };
      const same = async (id: UserId) => expect(seen.has(await versionOf(id))).toBe(true);

      const g = await group(owner!, [m!]);
      await moved(m!.id);
      await store.renameGroup({ conversationId: g, actorId: owner!.id, title: 'renamed', at: T0 + 1 });
      await store.setMemberRole({ conversationId: g, actorId: owner!.id, userId: m!.id, role: 'admin', at: T0 + 2 });
      await k.send(g, m!);
      await store.setArchived({ conversationId: g, userId: m!.id, archived: true, at: T0 + 3 });
      await same(m!.id);

      await store.removeMember({ conversationId: g, actorId: owner!.id, userId: m!.id, at: T0 + 4 });
      await moved(m!.id);
      await store.addMembers({ conversationId: g, actorId: owner!.id, userIds: [m!.id], maxMembers: 10, at: T0 + 5 });
      await moved(m!.id);
      await store.removeMember({ conversationId: g, actorId: m!.id, userId: m!.id, at: T0 + 6 });
      await moved(m!.id);
      await direct(m!, bystander!);
      await moved(m!.id);
      // Opening an existing direct conversation again changes no membership.
      await store.getOrCreateDirect({ id: convId(), a: bystander!.id, b: m!.id, at: T0 + 7 });
      await same(m!.id);
      // A refused change (already a member) changes nothing.
      const g2 = await group(owner!, [bystander!]);
      const before = await versionOf(bystander!.id);
      await expect(store.addMembers({ conversationId: g2, actorId: owner!.id, userIds: [bystander!.id], maxMembers: 10, at: T0 + 8 })).rejects.toThrow();
      expect(await versionOf(bystander!.id)).toBe(before);
      // Someone else's change leaves mine alone.
      const other = await user();
      await store.addMembers({ conversationId: g2, actorId: owner!.id, userIds: [other.id], maxMembers: 10, at: T0 + 9 });
      expect(await versionOf(bystander!.id)).toBe(before);
    });

    it('moves the membership versions of many members changed at once', async () => {
      const [owner, ...members] = await users(4);
      const before = await store.accessStates(members.map((u) => u.id));
      await group(owner!, members);
      const after = await store.accessStates(members.map((u) => u.id));
      for (const s of after) expect(s.membershipVersion).not.toBe(before.find((b) => b.id === s.id)!.membershipVersion);
    });
  });
}
