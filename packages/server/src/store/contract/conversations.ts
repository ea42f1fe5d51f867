/** Store contract, part: direct conversations, groups. See ../contract.ts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type UserId } from '@parley/protocol';
import { type Store, type UserRecord } from '../port';
import { T0, type Kit } from './kit';

export function conversations(k: Kit): void {
  const { fresh, convId, user, users, group, direct, input, expectCode, checkEvents, allEvents, lastSeq, range } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  describe('direct conversations', () => {
    it('creates one per pair with the documented events, and returns it again either way round', async () => {
      const [a, b] = await users(2);
      const id = convId();
      const first = await store.getOrCreateDirect({ id, a: a!.id, b: b!.id, at: T0 + 10 });
      expect(first.created).toBe(true);
      expect(first.conversation).toEqual({ id, kind: 'direct', title: null, historyVisibility: 'all', lastSeq: 3, receiptsVersion: 0, createdAt: T0 + 10, updatedAt: T0 + 10 });
      const pub = (u: UserRecord) => ({ id: u.id, username: u.username, displayName: u.displayName, avatarUrl: null });
      expect(checkEvents(first.events)).toEqual([
        { type: 'conversation.created', conversationId: id, seq: 1, actorId: a!.id, at: T0 + 10, kind: 'direct', title: null },
        { type: 'member.added', conversationId: id, seq: 2, actorId: a!.id, at: T0 + 10, userId: a!.id, role: 'member', user: pub(a!) },
        { type: 'member.added', conversationId: id, seq: 3, actorId: a!.id, at: T0 + 10, userId: b!.id, role: 'member', user: pub(b!) },
      ]);
      expect(await allEvents(id)).toEqual(first.events);

      const again = await store.getOrCreateDirect({ id: convId(), a: b!.id, b: a!.id, at: T0 + 20 });
      expect(again).toEqual({ conversation: first.conversation, created: false, events: [] });
      expect(await store.getConversation(id)).toEqual(first.conversation);
    });

    it('makes exactly one conversation when both sides create it at once', async () => {
      const [a, b] = await users(2);
      const results = await Promise.all(
        range(1, 6).map((i) => store.getOrCreateDirect({ id: convId(), a: i % 2 ? a!.id : b!.id, b: i % 2 ? b!.id : a!.id, at: T0 + i })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
      expect(await store.listConversationIds(a!.id)).toEqual([results[0]!.conversation.id]);
    });

    it('refuses an unknown user with NOT_FOUND and creates nothing', async () => {
      const a = await user();
      const id = convId();
      await expectCode(store.getOrCreateDirect({ id, a: a.id, b: fresh('u') as UserId, at: T0 }), 'NOT_FOUND');
      expect(await store.getConversation(id)).toBeNull();
      expect(await store.listConversationIds(a.id)).toEqual([]);
    });

    it('forbids group operations and leaving', async () => {
      const [a, b, c] = await users(3);
      const id = await direct(a!, b!);
      await expectCode(store.renameGroup({ conversationId: id, actorId: a!.id, title: 'x', at: T0 }), 'FORBIDDEN');
      await expectCode(store.addMembers({ conversationId: id, actorId: a!.id, userIds: [c!.id], maxMembers: 10, at: T0 }), 'FORBIDDEN');
      await expectCode(store.removeMember({ conversationId: id, actorId: a!.id, userId: a!.id, at: T0 }), 'FORBIDDEN');
      await expectCode(store.removeMember({ conversationId: id, actorId: a!.id, userId: b!.id, at: T0 }), 'FORBIDDEN');
      expect(await lastSeq(id)).toBe(3);
      expect(await store.getMember(id, a!.id)).not.toBeNull();
    });
  });

  describe('groups', () => {
    it('creates a group: owner first, then distinct members in the given order', async () => {
      const [o, a, b] = await users(3);
      const id = convId();
      const { conversation, events } = await store.createGroup({
        id,
        ownerId: o!.id,
        title: 'Study',
        memberIds: [b!.id, o!.id, a!.id, b!.id],
        maxMembers: 3,
        at: T0 + 1,
      });
      // No historyVisibility asked: the default (newGroupVisibility), 'joined'.
      expect(conversation).toEqual({ id, kind: 'group', title: 'Study', historyVisibility: 'joined', lastSeq: 4, receiptsVersion: 0, createdAt: T0 + 1, updatedAt: T0 + 1 });
      checkEvents(events);
      expect(events.map((e) => [e.seq, e.type, e.actorId, 'userId' in e ? e.userId : null, 'role' in e ? e.role : null])).toEqual([
        [1, 'conversation.created', o!.id, null, null],
        [2, 'member.added', o!.id, o!.id, 'owner'],
        [3, 'member.added', o!.id, b!.id, 'member'],
        [4, 'member.added', o!.id, a!.id, 'member'],
      ]);
      expect(events[0]).toMatchObject({ kind: 'group', title: 'Study' });
      expect(events[2]).toMatchObject({ user: { id: b!.id, username: b!.username, displayName: b!.displayName, avatarUrl: null } });
      expect(await allEvents(id)).toEqual(events);

      const members = await store.listMembers(id);
      expect(members.map((m) => [m.userId, m.role])).toEqual([
        [o!.id, 'owner'],
        [b!.id, 'member'],
        [a!.id, 'member'],
      ]);
      expect(members[0]).toEqual({ userId: o!.id, role: 'owner', deliveredSeq: 0, readSeq: 0, archived: false, joinedAt: T0 + 1, visibleFromSeq: 1 });
      expect(await store.getMember(id, a!.id)).toEqual(members[2]);
      expect(await store.getMember(id, fresh('u') as UserId)).toBeNull();
      expect(await store.listConversationIds(a!.id)).toEqual([id]);
      expect(await store.conversationHeads(a!.id)).toEqual([{ id, lastSeq: 4, receiptsVersion: 0, visibleFromSeq: 1 }]);
    });

    it('writes nothing when a member is unknown (NOT_FOUND) or the group is too big (LIMIT_EXCEEDED)', async () => {
      const [o, a, b] = await users(3);
      const id1 = convId();
      await expectCode(
        store.createGroup({ id: id1, ownerId: o!.id, title: 'G', memberIds: [a!.id, fresh('u') as UserId], maxMembers: 10, at: T0 }),
        'NOT_FOUND',
      );
      expect(await store.getConversation(id1)).toBeNull();
      const id2 = convId();
      await expectCode(store.createGroup({ id: id2, ownerId: o!.id, title: 'G', memberIds: [a!.id, b!.id], maxMembers: 2, at: T0 }), 'LIMIT_EXCEEDED');
      expect(await store.getConversation(id2)).toBeNull();
      expect(await store.listConversationIds(o!.id)).toEqual([]);
    });

    it('renames: owner and admin may, a plain member may not, a non-member gets NOT_MEMBER', async () => {
      const [o, ad, m, out] = await users(4);
      const id = await group(o!, [ad!, m!]);
      await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: ad!.id, role: 'admin', at: T0 + 1 });
      const [renamed] = checkEvents(await store.renameGroup({ conversationId: id, actorId: ad!.id, title: 'New', at: T0 + 2 }));
      expect(renamed).toEqual({ type: 'conversation.renamed', conversationId: id, seq: 6, actorId: ad!.id, at: T0 + 2, title: 'New' });
      const conv = await store.getConversation(id);
      expect(conv).toMatchObject({ title: 'New', lastSeq: 6, updatedAt: T0 + 2 });
      await store.renameGroup({ conversationId: id, actorId: o!.id, title: 'Newer', at: T0 + 3 });
      await expectCode(store.renameGroup({ conversationId: id, actorId: m!.id, title: 'x', at: T0 + 4 }), 'FORBIDDEN');
      await expectCode(store.renameGroup({ conversationId: id, actorId: out!.id, title: 'x', at: T0 + 4 }), 'NOT_MEMBER');
      await expectCode(store.renameGroup({ conversationId: convId(), actorId: o!.id, title: 'x', at: T0 + 4 }), 'NOT_FOUND');
      expect(await store.getConversation(id)).toMatchObject({ title: 'Newer', lastSeq: 7 });
    });

    it('adds members: checks roles, users, existing members and the limit, all or nothing', async () => {
      const [o, m, a, b, c] = await users(5);
      const id = await group(o!, [m!]);
      // Anyone already in makes the whole request a CONFLICT, the others are not added.
      for (const userIds of [[m!.id], [o!.id], [a!.id, m!.id]]) {
        await expectCode(store.addMembers({ conversationId: id, actorId: o!.id, userIds, maxMembers: 10, at: T0 + 1 }), 'CONFLICT');
      }
      expect(await store.getMember(id, a!.id)).toBeNull();
      expect(await lastSeq(id)).toBe(3);

      await expectCode(store.addMembers({ conversationId: id, actorId: m!.id, userIds: [a!.id], maxMembers: 10, at: T0 + 1 }), 'FORBIDDEN');
      await expectCode(store.addMembers({ conversationId: id, actorId: a!.id, userIds: [b!.id], maxMembers: 10, at: T0 + 1 }), 'NOT_MEMBER');
      await expectCode(
        store.addMembers({ conversationId: id, actorId: o!.id, userIds: [a!.id, fresh('u') as UserId], maxMembers: 10, at: T0 + 1 }),
        'NOT_FOUND',
      );
      await expectCode(store.addMembers({ conversationId: id, actorId: o!.id, userIds: [a!.id, b!.id], maxMembers: 3, at: T0 + 1 }), 'LIMIT_EXCEEDED');
      expect(await store.getMember(id, a!.id)).toBeNull();
      expect(await lastSeq(id)).toBe(3);

      // A user named twice in one request is added once.
      const added = checkEvents(await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [a!.id, b!.id, a!.id], maxMembers: 4, at: T0 + 2 }));
      expect(added.map((e) => [e.seq, e.type, e.actorId, 'userId' in e && e.userId, 'role' in e && e.role])).toEqual([
        [4, 'member.added', o!.id, a!.id, 'member'],
        [5, 'member.added', o!.id, b!.id, 'member'],
      ]);
      expect(added[0]).toMatchObject({ user: { id: a!.id, username: a!.username } });
      expect(await store.getMember(id, b!.id)).toMatchObject({ role: 'member', joinedAt: T0 + 2 });
      expect(await store.getConversation(id)).toMatchObject({ lastSeq: 5, updatedAt: T0 + 2 });
      await expectCode(store.addMembers({ conversationId: id, actorId: o!.id, userIds: [c!.id], maxMembers: 4, at: T0 + 3 }), 'LIMIT_EXCEEDED');
      await expectCode(store.addMembers({ conversationId: id, actorId: o!.id, userIds: [b!.id], maxMembers: 4, at: T0 + 3 }), 'CONFLICT');
      expect(await lastSeq(id)).toBe(5);
    });

    it('removes members by role: owner removes anyone, admin only plain members', async () => {
      const [o, ad1, ad2, m1, m2, out] = await users(6);
      const id = await group(o!, [ad1!, ad2!, m1!, m2!]);
      for (const u of [ad1!, ad2!]) await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: u.id, role: 'admin', at: T0 + 1 });

      await expectCode(store.removeMember({ conversationId: id, actorId: m1!.id, userId: m2!.id, at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.removeMember({ conversationId: id, actorId: ad1!.id, userId: ad2!.id, at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.removeMember({ conversationId: id, actorId: ad1!.id, userId: o!.id, at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.removeMember({ conversationId: id, actorId: o!.id, userId: out!.id, at: T0 + 2 }), 'NOT_FOUND');
      await expectCode(store.removeMember({ conversationId: id, actorId: out!.id, userId: m1!.id, at: T0 + 2 }), 'NOT_MEMBER');
      const before = await lastSeq(id);

      const [r1] = checkEvents(await store.removeMember({ conversationId: id, actorId: ad1!.id, userId: m1!.id, at: T0 + 3 }));
      expect(r1).toEqual({ type: 'member.removed', conversationId: id, seq: before + 1, actorId: ad1!.id, at: T0 + 3, userId: m1!.id });
      const [r2] = checkEvents(await store.removeMember({ conversationId: id, actorId: o!.id, userId: ad2!.id, at: T0 + 4 }));
      expect(r2).toMatchObject({ type: 'member.removed', seq: before + 2, userId: ad2!.id });

      // A removed member is gone everywhere the port can tell.
      expect(await store.getMember(id, m1!.id)).toBeNull();
      expect(await store.listConversationIds(m1!.id)).toEqual([]);
      expect(await store.getConversationView(id, m1!.id)).toBeNull();
      expect(await store.conversationHeads(m1!.id)).toEqual([]);
      expect(await store.appendMessages([input(id, m1!)])).toEqual([{ ok: false, code: 'NOT_MEMBER' }]);
      await expectCode(store.history({ conversationId: id, viewerId: m1!.id, limit: 10 }), 'NOT_MEMBER');
      expect((await store.listMembers(id)).map((m) => m.userId).sort()).toEqual([o!.id, ad1!.id, m2!.id].sort());
    });

    it('presenceConversationIds: direct conversations and groups of at most groupMax members, counted as they are now', async () => {
      const [u, v, a, b, c, other] = await users(6);
      const d = await direct(u!, v!);
      const small = await group(u!, [a!, b!]); // 3 members: at the limit
      const big = await group(a!, [u!, b!, c!]); // 4 members: over it
      const alone = await group(u!, []); // 1 member
      await group(a!, [b!, c!]); // not u's
      await direct(v!, other!); // not u's
      const sorted = (ids: readonly string[]) => [...ids].sort();

      expect(sorted(await store.presenceConversationIds(u!.id, 3))).toEqual(sorted([d, small, alone]));
      expect(sorted(await store.presenceConversationIds(u!.id, 4))).toEqual(sorted([d, small, big, alone]));
      expect(sorted(await store.presenceConversationIds(u!.id, 1_000_000))).toEqual(sorted(await store.listConversationIds(u!.id)));
      // 0: direct conversations only.
      expect(await store.presenceConversationIds(u!.id, 0)).toEqual([d]);
      // Membership changes count at once: the big group shrinks to the limit, the small one grows past it.
      await store.removeMember({ conversationId: big, actorId: a!.id, userId: c!.id, at: T0 + 1 });
      await store.addMembers({ conversationId: small, actorId: u!.id, userIds: [c!.id], maxMembers: 10, at: T0 + 2 });
      expect(sorted(await store.presenceConversationIds(u!.id, 3))).toEqual(sorted([d, big, alone]));
      // Leaving a group takes it out of the user's own audience.
      await store.removeMember({ conversationId: big, actorId: u!.id, userId: u!.id, at: T0 + 3 });
      expect(sorted(await store.presenceConversationIds(u!.id, 3))).toEqual(sorted([d, alone]));
      expect(await store.presenceConversationIds(fresh('u') as UserId, 3)).toEqual([]);
    });

    it('leaving hands ownership to the oldest admin, else the oldest member', async () => {
      const [o, m1, ad, m2] = await users(4);
      const id = await group(o!, [m1!], T0);
      await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [ad!.id], maxMembers: 10, at: T0 + 1 });
      await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [m2!.id], maxMembers: 10, at: T0 + 2 });
      await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: ad!.id, role: 'admin', at: T0 + 3 });
      const seq = await lastSeq(id);

      const left = checkEvents(await store.removeMember({ conversationId: id, actorId: o!.id, userId: o!.id, at: T0 + 4 }));
      expect(left).toEqual([
        { type: 'member.left', conversationId: id, seq: seq + 1, actorId: o!.id, at: T0 + 4, userId: o!.id },
        { type: 'member.role', conversationId: id, seq: seq + 2, actorId: o!.id, at: T0 + 4, userId: ad!.id, role: 'owner' },
      ]);
      expect(await store.getMember(id, ad!.id)).toMatchObject({ role: 'owner' });
      expect(await store.getMember(id, o!.id)).toBeNull();

      // No admin left: the oldest plain member (m1 joined first) becomes owner.
      const next = checkEvents(await store.removeMember({ conversationId: id, actorId: ad!.id, userId: ad!.id, at: T0 + 5 }));
      expect(next.map((e) => [e.type, 'userId' in e && e.userId, 'role' in e && e.role])).toEqual([
        ['member.left', ad!.id, false],
        ['member.role', m1!.id, 'owner'],
      ]);

      // A plain member leaving hands nothing over.
      expect(checkEvents(await store.removeMember({ conversationId: id, actorId: m2!.id, userId: m2!.id, at: T0 + 6 })).map((e) => e.type)).toEqual([
        'member.left',
      ]);
      // The last member leaving is just a leave.
      expect(checkEvents(await store.removeMember({ conversationId: id, actorId: m1!.id, userId: m1!.id, at: T0 + 7 })).map((e) => e.type)).toEqual([
        'member.left',
      ]);
      expect(await store.listMembers(id)).toEqual([]);
      expect(await store.getConversation(id)).toMatchObject({ lastSeq: seq + 6, updatedAt: T0 + 7 });
    });

    it('changes roles: owner only, target must be a member and not the owner', async () => {
      const [o, a, m, out] = await users(4);
      const id = await group(o!, [a!, m!]);
      const [e] = checkEvents(await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: a!.id, role: 'admin', at: T0 + 1 }));
      expect(e).toEqual({ type: 'member.role', conversationId: id, seq: 5, actorId: o!.id, at: T0 + 1, userId: a!.id, role: 'admin' });
      expect(await store.getMember(id, a!.id)).toMatchObject({ role: 'admin' });
      await expectCode(store.setMemberRole({ conversationId: id, actorId: a!.id, userId: m!.id, role: 'admin', at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.setMemberRole({ conversationId: id, actorId: m!.id, userId: a!.id, role: 'member', at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.setMemberRole({ conversationId: id, actorId: o!.id, userId: out!.id, role: 'admin', at: T0 + 2 }), 'NOT_FOUND');
      await expectCode(store.setMemberRole({ conversationId: id, actorId: o!.id, userId: o!.id, role: 'member', at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.setMemberRole({ conversationId: id, actorId: out!.id, userId: a!.id, role: 'member', at: T0 + 2 }), 'NOT_MEMBER');
      expect(await lastSeq(id)).toBe(5);
      const [back] = checkEvents(await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: a!.id, role: 'member', at: T0 + 3 }));
      expect(back).toMatchObject({ seq: 6, role: 'member' });
      expect(await store.getMember(id, o!.id)).toMatchObject({ role: 'owner' });
    });
  });

  // ---- messages and the event log
}
