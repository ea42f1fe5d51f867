/**
 * The storage contract: one suite every Store adapter must pass, run from each
 * adapter's own test file (`storeContract('sqlite', factory)`).
 *
 * Rules this file keeps: it speaks only through the Store port; every test makes its
 * own users and conversations with fresh random ids (so tests never depend on order
 * and a shared database may hold leftovers from earlier runs); every event, message,
 * user event and receipt that comes back is validated against the protocol schema.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationEventSchema,
  MessageSchema,
  PublicUserSchema,
  ReceiptSchema,
  UserEventSchema,
  type ClientMessageId,
  type ConversationEvent,
  type ConversationId,
  type Message,
  type MessageId,
  type UserEvent,
  type UserId,
} from '@parley/protocol';
import { StoreError, type SendInput, type SendResult, type Store, type StoreErrorCode, type UserRecord } from './port';

export type StoreFactory = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** A base time; tests add small offsets so ordering by time is explicit. */
const T0 = 1_700_000_000_000;

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void> = async () => {};

    beforeAll(async () => {
      ({ store, cleanup } = await factory());
    });
    afterAll(async () => {
      await cleanup();
    });

    // ---- helpers (closures over the store; no state shared between tests)

    const fresh = (prefix = 'x') => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const convId = () => fresh('c') as ConversationId;
    const msgId = () => fresh('m') as MessageId;
    const cmid = () => fresh('k') as ClientMessageId;

    async function user(displayName = 'User'): Promise<UserRecord> {
      const id = fresh('u') as UserId;
      return store.createUser({ id, username: id.toLowerCase(), displayName, passwordHash: 'hash', createdAt: T0 });
    }
    async function users(n: number): Promise<UserRecord[]> {
      const out: UserRecord[] = [];
      for (let i = 0; i < n; i++) out.push(await user(`User ${i}`));
      return out;
    }
    async function group(owner: UserRecord, members: UserRecord[], at = T0, title = 'Group') {
      const { conversation, events } = await store.createGroup({
        id: convId(),
        ownerId: owner.id,
        title,
        memberIds: members.map((m) => m.id),
        maxMembers: 100,
        at,
      });
      checkEvents(events);
      return conversation.id;
    }
    async function direct(a: UserRecord, b: UserRecord, at = T0) {
      const { conversation } = await store.getOrCreateDirect({ id: convId(), a: a.id, b: b.id, at });
      return conversation.id;
    }
    function input(conversationId: ConversationId, sender: UserRecord, over: Partial<SendInput> = {}): SendInput {
      return { conversationId, senderId: sender.id, clientMessageId: cmid(), messageId: msgId(), title: null, body: 'hello', at: T0 + 1, ...over };
    }
    async function send(conversationId: ConversationId, sender: UserRecord, over: Partial<SendInput> = {}): Promise<Message> {
      const [result] = await store.appendMessages([input(conversationId, sender, over)]);
      return okMessage(result);
    }
    function okMessage(result: SendResult | undefined): Message {
      if (!result?.ok) throw new Error(`send failed: ${JSON.stringify(result)}`);
      return MessageSchema.parse(result.message);
    }
    async function expectCode(p: Promise<unknown>, code: StoreErrorCode) {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `expected StoreError ${code}`).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe(code);
    }
    function checkEvents(events: ConversationEvent[]): ConversationEvent[] {
      for (const e of events) expect(ConversationEventSchema.parse(e)).toEqual(e);
      return events;
    }
    function checkUserEvent(e: UserEvent | null): UserEvent {
      expect(e).not.toBeNull();
      expect(UserEventSchema.parse(e)).toEqual(e);
      return e!;
    }
    async function allEvents(conversationId: ConversationId) {
      const page = await store.eventsAfter(conversationId, 0, 10_000);
      return checkEvents(page.events);
    }
    async function lastSeq(conversationId: ConversationId) {
      return (await store.getConversation(conversationId))!.lastSeq;
    }
    const seqs = (xs: { seq: number }[]) => xs.map((x) => x.seq);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    // ---- users and sessions

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

    describe('direct conversations', () => {
      it('creates one per pair with the documented events, and returns it again either way round', async () => {
        const [a, b] = await users(2);
        const id = convId();
        const first = await store.getOrCreateDirect({ id, a: a!.id, b: b!.id, at: T0 + 10 });
        expect(first.created).toBe(true);
        expect(first.conversation).toEqual({ id, kind: 'direct', title: null, lastSeq: 3, receiptsVersion: 0, createdAt: T0 + 10, updatedAt: T0 + 10 });
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
        expect(conversation).toEqual({ id, kind: 'group', title: 'Study', lastSeq: 4, receiptsVersion: 0, createdAt: T0 + 1, updatedAt: T0 + 1 });
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
        expect(members[0]).toEqual({ userId: o!.id, role: 'owner', deliveredSeq: 0, readSeq: 0, archived: false, joinedAt: T0 + 1 });
        expect(await store.getMember(id, a!.id)).toEqual(members[2]);
        expect(await store.getMember(id, fresh('u') as UserId)).toBeNull();
        expect(await store.listConversationIds(a!.id)).toEqual([id]);
        expect(await store.conversationHeads(a!.id)).toEqual([{ id, lastSeq: 4, receiptsVersion: 0 }]);
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

      it('adds members: skips existing ones, checks roles, users and the limit, all or nothing', async () => {
        const [o, m, a, b, c] = await users(5);
        const id = await group(o!, [m!]);
        expect(await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [m!.id, o!.id], maxMembers: 10, at: T0 + 1 })).toEqual([]);
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

        const added = checkEvents(await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [a!.id, m!.id, b!.id, a!.id], maxMembers: 4, at: T0 + 2 }));
        expect(added.map((e) => [e.seq, e.type, e.actorId, 'userId' in e && e.userId, 'role' in e && e.role])).toEqual([
          [4, 'member.added', o!.id, a!.id, 'member'],
          [5, 'member.added', o!.id, b!.id, 'member'],
        ]);
        expect(added[0]).toMatchObject({ user: { id: a!.id, username: a!.username } });
        expect(await store.getMember(id, b!.id)).toMatchObject({ role: 'member', joinedAt: T0 + 2 });
        expect(await store.getConversation(id)).toMatchObject({ lastSeq: 5, updatedAt: T0 + 2 });
        await expectCode(store.addMembers({ conversationId: id, actorId: o!.id, userIds: [c!.id], maxMembers: 4, at: T0 + 3 }), 'LIMIT_EXCEEDED');
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

    describe('appendMessages', () => {
      it('appends with the next seq and a message.created event, and sets lastSeq and updatedAt', async () => {
        const [a, b] = await users(2);
        const id = await direct(a!, b!);
        const inp = input(id, a!, { title: 'Subject', body: 'Body', at: T0 + 42 });
        const [result] = await store.appendMessages([inp]);
        expect(result).toEqual({
          ok: true,
          duplicate: false,
          message: {
            id: inp.messageId,
            conversationId: id,
            seq: 4,
            senderId: a!.id,
            clientMessageId: inp.clientMessageId,
            title: 'Subject',
            body: 'Body',
            createdAt: T0 + 42,
            editedAt: null,
            deletedAt: null,
          },
          event: expect.anything(),
        });
        const ok = result as Extract<SendResult, { ok: true }>;
        MessageSchema.parse(ok.message);
        expect(checkEvents([ok.event!])[0]).toEqual({ type: 'message.created', conversationId: id, seq: 4, actorId: a!.id, at: T0 + 42, message: ok.message });
        expect(await store.getConversation(id)).toMatchObject({ lastSeq: 4, updatedAt: T0 + 42 });
        expect(await store.getMessage(id, inp.messageId)).toEqual(ok.message);
        expect(await store.getMessage(id, msgId())).toBeNull();
        expect(await store.getMessage(convId(), inp.messageId)).toBeNull();
      });

      it('handles a mixed batch in order: failures in the middle abort nothing, duplicates inside the batch append nothing', async () => {
        const [a, b, c, out] = await users(4);
        const d1 = await direct(a!, b!);
        const g = await group(a!, [c!]);
        const k = cmid();
        const results = await store.appendMessages([
          input(d1, a!, { body: 'one' }),
          input(convId(), a!), // unknown conversation
          input(g, a!, { clientMessageId: k, body: 'two' }),
          input(g, out!), // not a member
          input(g, a!, { clientMessageId: k, body: 'retry', messageId: msgId() }), // duplicate of an earlier item
          input(d1, b!, { body: 'three' }),
          input(g, c!, { body: 'four' }),
        ]);
        expect(results.map((r) => (r.ok ? [r.message.conversationId, r.message.seq, r.duplicate, r.message.body] : r.code))).toEqual([
          [d1, 4, false, 'one'],
          'NOT_FOUND',
          [g, 4, false, 'two'],
          'NOT_MEMBER',
          [g, 4, true, 'two'],
          [d1, 5, false, 'three'],
          [g, 5, false, 'four'],
        ]);
        const dup = results[4] as Extract<SendResult, { ok: true }>;
        expect(dup.event).toBeNull();
        expect(dup.message).toEqual((results[2] as Extract<SendResult, { ok: true }>).message);
        expect(seqs(await allEvents(d1))).toEqual(range(1, 5));
        expect(seqs(await allEvents(g))).toEqual(range(1, 5));
      });

      it('is idempotent across batches: a retry returns the stored message and appends nothing', async () => {
        const [a, b] = await users(2);
        const id = await direct(a!, b!);
        const first = await send(id, a!, { body: 'original' });
        const [retry] = await store.appendMessages([
          input(id, a!, { clientMessageId: first.clientMessageId, messageId: msgId(), body: 'changed', at: T0 + 500 }),
        ]);
        expect(retry).toEqual({ ok: true, message: first, duplicate: true, event: null });
        expect(await store.getConversation(id)).toMatchObject({ lastSeq: 4, updatedAt: T0 + 1 });
        // The same client id from another sender is a different message.
        const other = await send(id, b!, { clientMessageId: first.clientMessageId });
        expect(other.seq).toBe(5);
      });

      it('reports NOT_MEMBER / NOT_FOUND for single sends without throwing', async () => {
        const [a, b, out] = await users(3);
        const id = await direct(a!, b!);
        expect(await store.appendMessages([input(id, out!)])).toEqual([{ ok: false, code: 'NOT_MEMBER' }]);
        expect(await store.appendMessages([input(convId(), a!)])).toEqual([{ ok: false, code: 'NOT_FOUND' }]);
        expect(await store.appendMessages([])).toEqual([]);
        expect(await lastSeq(id)).toBe(3);
      });

      it('keeps seqs gapless and unique under many concurrent calls to one conversation', async () => {
        const members = await users(4);
        const id = await group(members[0]!, members.slice(1));
        const base = await lastSeq(id);
        const calls = range(1, 40).map((i) => {
          const sender = members[i % members.length]!;
          return store.appendMessages(i % 3 === 0 ? [input(id, sender), input(id, sender)] : [input(id, sender)]);
        });
        const results = (await Promise.all(calls)).flat();
        const got = results.map((r) => okMessage(r).seq).sort((x, y) => x - y);
        expect(got).toEqual(range(base + 1, base + results.length));
        expect(await lastSeq(id)).toBe(base + results.length);
        expect(seqs(await allEvents(id))).toEqual(range(1, base + results.length));
      });

      it('stores one message when the same send is retried concurrently', async () => {
        const [a, b] = await users(2);
        const id = await direct(a!, b!);
        const k = cmid();
        const results = await Promise.all(range(1, 8).map(() => store.appendMessages([input(id, a!, { clientMessageId: k, messageId: msgId() })])));
        const flat = results.flat().map((r) => (r.ok ? r : null));
        expect(flat.filter((r) => r && !r.duplicate)).toHaveLength(1);
        expect(new Set(flat.map((r) => r?.message.id)).size).toBe(1);
        expect(await lastSeq(id)).toBe(4);
      });
    });

    describe('exactly once under retries (property)', () => {
      it('any interleaving of concurrent batches with retries stores each send once, with gapless seqs', async () => {
        const [a, b, c] = await users(3);
        const people = [a!, b!, c!];
        // A send is (sender index, client id index); a batch lists sends; batches run concurrently.
        const sendArb = fc.record({ sender: fc.nat({ max: 2 }), key: fc.nat({ max: 7 }), conversation: fc.nat({ max: 1 }) });
        const scenario = fc.array(fc.array(sendArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });
        await fc.assert(
          fc.asyncProperty(scenario, async (batches) => {
            const convs = [await group(a!, [b!, c!]), await group(b!, [a!, c!])];
            const keyPrefix = fresh('p');
            const results = await Promise.all(
              batches.map((batch) =>
                store.appendMessages(
                  batch.map((s) =>
                    input(convs[s.conversation]!, people[s.sender]!, { clientMessageId: `${keyPrefix}-${s.sender}-${s.key}` as ClientMessageId }),
                  ),
                ),
              ),
            );
            const flat = results.flat().map(okMessage);
            // One stored message per (sender, client id), whatever the order of retries.
            const byKey = new Map<string, string>();
            for (const m of flat) {
              const key = `${m.senderId}/${m.clientMessageId}`;
              expect(byKey.get(key) ?? m.id).toBe(m.id);
              byKey.set(key, m.id);
            }
            const newCount = results.flat().filter((r) => r.ok && !r.duplicate).length;
            expect(newCount).toBe(byKey.size);
            // Each conversation's log is gapless and holds exactly the new messages.
            let created = 0;
            for (const id of convs) {
              const events = await allEvents(id);
              expect(seqs(events)).toEqual(range(1, events.length));
              created += events.filter((e) => e.type === 'message.created').length;
              expect(await lastSeq(id)).toBe(events.length);
            }
            expect(created).toBe(byKey.size);
          }),
          { numRuns: 15 },
        );
      });
    });

    describe('the event log', () => {
      it('numbers every kind of change with one gapless seq and keeps events as appended', async () => {
        const [o, a, b] = await users(3);
        const id = await group(o!, [a!]); // 1..3
        const m1 = await send(id, a!, { body: 'v1', title: 't1', at: T0 + 10 }); // 4
        await store.renameGroup({ conversationId: id, actorId: o!.id, title: 'R', at: T0 + 11 }); // 5
        const edit = await store.editMessage({ conversationId: id, messageId: m1.id, actorId: a!.id, title: undefined, body: 'v2', at: T0 + 12 }); // 6
        await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [b!.id], maxMembers: 10, at: T0 + 13 }); // 7
        const m2 = await send(id, b!, { at: T0 + 14 }); // 8
        await store.deleteMessageForEveryone({ conversationId: id, messageId: m2.id, actorId: o!.id, at: T0 + 15 }); // 9
        await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: a!.id, role: 'admin', at: T0 + 16 }); // 10
        await store.removeMember({ conversationId: id, actorId: o!.id, userId: b!.id, at: T0 + 17 }); // 11
        await store.removeMember({ conversationId: id, actorId: a!.id, userId: a!.id, at: T0 + 18 }); // 12
        // Not log events: receipts, hiding and archiving change per-user state only.
        await store.advanceWatermark({ conversationId: id, userId: o!.id, kind: 'read', seq: 12 });
        await store.hideMessage({ conversationId: id, messageId: m1.id, userId: o!.id, at: T0 + 19 });
        await store.setArchived({ conversationId: id, userId: o!.id, archived: true, at: T0 + 20 });

        const events = await allEvents(id);
        expect(events.map((e) => [e.seq, e.type])).toEqual([
          [1, 'conversation.created'],
          [2, 'member.added'],
          [3, 'member.added'],
          [4, 'message.created'],
          [5, 'conversation.renamed'],
          [6, 'message.edited'],
          [7, 'member.added'],
          [8, 'message.created'],
          [9, 'message.deleted'],
          [10, 'member.role'],
          [11, 'member.removed'],
          [12, 'member.left'],
        ]);
        expect(events.every((e) => e.conversationId === id)).toBe(true);
        // message.created keeps what was sent; the edit is its own event.
        expect(events[3]).toMatchObject({ message: { id: m1.id, body: 'v1', title: 't1', editedAt: null } });
        expect(events[5]).toEqual(edit.event);
        expect(events[8]).toEqual({ type: 'message.deleted', conversationId: id, seq: 9, actorId: o!.id, at: T0 + 15, messageId: m2.id });
        expect(await store.getConversation(id)).toMatchObject({ lastSeq: 12, updatedAt: T0 + 18 });
      });

      it('pages events after a seq with hasMore', async () => {
        const [a, b] = await users(2);
        const id = await direct(a!, b!);
        for (let i = 0; i < 5; i++) await send(id, a!);
        const p1 = await store.eventsAfter(id, 0, 3);
        expect(seqs(checkEvents(p1.events))).toEqual([1, 2, 3]);
        expect(p1.hasMore).toBe(true);
        const p2 = await store.eventsAfter(id, 3, 5);
        expect(seqs(p2.events)).toEqual([4, 5, 6, 7, 8]);
        expect(p2.hasMore).toBe(false);
        expect(await store.eventsAfter(id, 8, 10)).toEqual({ events: [], hasMore: false });
        expect(await store.eventsAfter(convId(), 0, 10)).toEqual({ events: [], hasMore: false });
      });
    });

    describe('edit, delete for everyone, hide', () => {
      it('edits: author only, title undefined keeps, null clears, editedAt set', async () => {
        const [a, b, out] = await users(3);
        const id = await direct(a!, b!);
        const m = await send(id, a!, { title: 'T', body: 'B' });
        const r1 = await store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, title: undefined, body: 'B2', at: T0 + 5 });
        expect(MessageSchema.parse(r1.message)).toEqual({ ...m, title: 'T', body: 'B2', editedAt: T0 + 5 });
        expect(checkEvents([r1.event])[0]).toEqual({
          type: 'message.edited',
          conversationId: id,
          seq: 5,
          actorId: a!.id,
          at: T0 + 5,
          messageId: m.id,
          title: 'T',
          body: 'B2',
          editedAt: T0 + 5,
        });
        const r2 = await store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, title: null, body: 'B3', at: T0 + 6 });
        expect(r2.message).toMatchObject({ title: null, body: 'B3', editedAt: T0 + 6 });
        expect(r2.event).toMatchObject({ title: null, body: 'B3', seq: 6 });
        expect(await store.getMessage(id, m.id)).toEqual(r2.message);
        expect(await store.getConversation(id)).toMatchObject({ lastSeq: 6, updatedAt: T0 + 6 });

        await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: b!.id, title: null, body: 'x', at: T0 + 7 }), 'FORBIDDEN');
        await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: out!.id, title: null, body: 'x', at: T0 + 7 }), 'NOT_MEMBER');
        await expectCode(store.editMessage({ conversationId: id, messageId: msgId(), actorId: a!.id, title: null, body: 'x', at: T0 + 7 }), 'NOT_FOUND');
        await store.deleteMessageForEveryone({ conversationId: id, messageId: m.id, actorId: a!.id, at: T0 + 8 });
        await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, title: null, body: 'x', at: T0 + 9 }), 'NOT_FOUND');
        expect(await lastSeq(id)).toBe(7);
        // The log keeps every entry, but none of the deleted message's text.
        const log = checkEvents((await store.eventsAfter(id, 0, 100)).events);
        expect(log.map((e) => e.type)).toContain('message.edited');
        for (const text of ['B2', 'B3', '"T"']) expect(JSON.stringify(log)).not.toContain(text);
        expect(log.find((e) => e.type === 'message.created')).toMatchObject({ message: { id: m.id, body: '', title: null } });
      });

      it('deletes for everyone: author or group owner/admin, erasing body and title, once', async () => {
        const [o, ad, m1, m2] = await users(4);
        const id = await group(o!, [ad!, m1!, m2!]);
        await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: ad!.id, role: 'admin', at: T0 });
        const byM1 = await send(id, m1!, { title: 'secret', body: 'text' });
        const byM2 = await send(id, m2!);
        const byO = await send(id, o!);

        await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: byM1.id, actorId: m2!.id, at: T0 + 2 }), 'FORBIDDEN');
        const ev = await store.deleteMessageForEveryone({ conversationId: id, messageId: byM1.id, actorId: m1!.id, at: T0 + 3 });
        expect(checkEvents([ev])[0]).toEqual({ type: 'message.deleted', conversationId: id, seq: byO.seq + 1, actorId: m1!.id, at: T0 + 3, messageId: byM1.id });
        expect(await store.getMessage(id, byM1.id)).toEqual({ ...byM1, title: null, body: '', deletedAt: T0 + 3 });
        await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: byM1.id, actorId: m1!.id, at: T0 + 4 }), 'NOT_FOUND');
        await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: msgId(), actorId: o!.id, at: T0 + 4 }), 'NOT_FOUND');

        await store.deleteMessageForEveryone({ conversationId: id, messageId: byM2.id, actorId: ad!.id, at: T0 + 5 });
        await store.deleteMessageForEveryone({ conversationId: id, messageId: byO.id, actorId: o!.id, at: T0 + 6 });
        // The tombstones stay in history.
        const h = await store.history({ conversationId: id, viewerId: m2!.id, limit: 10 });
        expect(h.messages.map((m) => [m.id, m.body, m.title, m.deletedAt !== null])).toEqual([
          [byM1.id, '', null, true],
          [byM2.id, '', null, true],
          [byO.id, '', null, true],
        ]);
      });

      it('in a direct conversation only the author deletes for everyone', async () => {
        const [a, b, out] = await users(3);
        const id = await direct(a!, b!);
        const m = await send(id, a!);
        await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: m.id, actorId: b!.id, at: T0 + 2 }), 'FORBIDDEN');
        await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: m.id, actorId: out!.id, at: T0 + 2 }), 'NOT_MEMBER');
        expect((await store.getMessage(id, m.id))!.deletedAt).toBeNull();
      });

      it('hides a message for one user only, idempotently, with a gapless user event', async () => {
        const [a, b, out] = await users(3);
        const id = await direct(a!, b!);
        const m1 = await send(id, a!);
        const m2 = await send(id, b!);
        const before = await lastSeq(id);

        const e1 = checkUserEvent(await store.hideMessage({ conversationId: id, messageId: m1.id, userId: b!.id, at: T0 + 5 }));
        expect(e1).toEqual({ type: 'message.hidden', userSeq: 1, at: T0 + 5, conversationId: id, messageId: m1.id });
        expect(await store.hideMessage({ conversationId: id, messageId: m1.id, userId: b!.id, at: T0 + 6 })).toEqual(e1);
        const e2 = checkUserEvent(await store.hideMessage({ conversationId: id, messageId: m2.id, userId: b!.id, at: T0 + 7 }));
        expect(e2.userSeq).toBe(2);
        expect(await lastSeq(id)).toBe(before);

        expect((await store.history({ conversationId: id, viewerId: b!.id, limit: 10 })).messages).toEqual([]);
        expect((await store.history({ conversationId: id, viewerId: a!.id, limit: 10 })).messages.map((m) => m.id)).toEqual([m1.id, m2.id]);
        const ue = await store.userEventsAfter(b!.id, 0, 10);
        expect(ue).toEqual({ events: [e1, e2], hasMore: false, userSeq: 2 });

        await expectCode(store.hideMessage({ conversationId: id, messageId: m1.id, userId: out!.id, at: T0 + 8 }), 'NOT_MEMBER');
        await expectCode(store.hideMessage({ conversationId: id, messageId: msgId(), userId: a!.id, at: T0 + 8 }), 'NOT_FOUND');
        // A message id from another conversation is unknown here.
        const elsewhere = await send(await direct(a!, out!), out!);
        await expectCode(store.hideMessage({ conversationId: id, messageId: elsewhere.id, userId: a!.id, at: T0 + 8 }), 'NOT_FOUND');
        expect((await store.userEventsAfter(a!.id, 0, 10)).userSeq).toBe(0);
      });
    });

    describe('history', () => {
      async function conversationWith(n: number) {
        const [a, b] = await users(2);
        const id = await direct(a!, b!);
        const sent: Message[] = [];
        for (let i = 0; i < n; i++) sent.push(await send(id, i % 2 ? b! : a!, { body: `m${i}` }));
        return { a: a!, b: b!, id, sent };
      }

      it('pages back from the newest and forward from a seq, always ascending', async () => {
        const { a, id, sent } = await conversationWith(12);
        const s = seqs(sent);
        const latest = await store.history({ conversationId: id, viewerId: a.id, limit: 5 });
        expect(seqs(latest.messages)).toEqual(s.slice(7));
        expect(latest.hasMore).toBe(true);
        for (const m of latest.messages) MessageSchema.parse(m);

        const older = await store.history({ conversationId: id, viewerId: a.id, before: latest.messages[0]!.seq, limit: 5 });
        expect(seqs(older.messages)).toEqual(s.slice(2, 7));
        expect(older.hasMore).toBe(true);
        const oldest = await store.history({ conversationId: id, viewerId: a.id, before: older.messages[0]!.seq, limit: 5 });
        expect(seqs(oldest.messages)).toEqual(s.slice(0, 2));
        expect(oldest.hasMore).toBe(false);

        const fwd = await store.history({ conversationId: id, viewerId: a.id, after: 0, limit: 5 });
        expect(seqs(fwd.messages)).toEqual(s.slice(0, 5));
        expect(fwd.hasMore).toBe(true);
        const fwd2 = await store.history({ conversationId: id, viewerId: a.id, after: s[9]!, limit: 5 });
        expect(seqs(fwd2.messages)).toEqual(s.slice(10));
        expect(fwd2.hasMore).toBe(false);

        const all = await store.history({ conversationId: id, viewerId: a.id, limit: 12 });
        expect(seqs(all.messages)).toEqual(s);
        expect(all.hasMore).toBe(false);
      });

      it('leaves out what the viewer hid, for that viewer only, without breaking hasMore', async () => {
        const { a, b, id, sent } = await conversationWith(6);
        for (const m of [sent[3]!, sent[4]!, sent[5]!]) await store.hideMessage({ conversationId: id, messageId: m.id, userId: a.id, at: T0 + 9 });
        const mine = await store.history({ conversationId: id, viewerId: a.id, limit: 3 });
        expect(mine.messages.map((m) => m.id)).toEqual(sent.slice(0, 3).map((m) => m.id));
        expect(mine.hasMore).toBe(false);
        const theirs = await store.history({ conversationId: id, viewerId: b.id, limit: 3 });
        expect(theirs.messages.map((m) => m.id)).toEqual(sent.slice(3).map((m) => m.id));
        expect(theirs.hasMore).toBe(true);
      });

      it('is members only', async () => {
        const { id } = await conversationWith(1);
        const out = await user();
        await expectCode(store.history({ conversationId: id, viewerId: out.id, limit: 10 }), 'NOT_MEMBER');
        await expectCode(store.history({ conversationId: convId(), viewerId: out.id, limit: 10 }), 'NOT_FOUND');
      });
    });

    describe('mailbox', () => {
      it('lists received and sent newest first, without deleted or hidden messages', async () => {
        const [me, x, y] = await users(3);
        const d = await direct(me!, x!);
        const g = await group(y!, [me!, x!], T0, 'Team');
        const m = (n: number) => `${fresh('m')}${String(n).padStart(2, '0')}` as MessageId;
        const r1 = await send(d, x!, { at: T0 + 10, messageId: m(1) });
        const r2 = await send(g, y!, { at: T0 + 20, messageId: m(2) });
        const s1 = await send(d, me!, { at: T0 + 30, messageId: m(3) });
        const r3 = await send(g, x!, { at: T0 + 40, messageId: m(4) });
        const gone = await send(g, y!, { at: T0 + 50, messageId: m(5) });
        const hidden = await send(g, x!, { at: T0 + 60, messageId: m(6) });
        const s2 = await send(g, me!, { at: T0 + 70, messageId: m(7) });
        const s3hidden = await send(d, me!, { at: T0 + 80, messageId: m(8) });
        await store.deleteMessageForEveryone({ conversationId: g, messageId: gone.id, actorId: y!.id, at: T0 + 90 });
        await store.hideMessage({ conversationId: g, messageId: hidden.id, userId: me!.id, at: T0 + 91 });
        await store.hideMessage({ conversationId: d, messageId: s3hidden.id, userId: me!.id, at: T0 + 92 });

        const received = await store.mailbox({ userId: me!.id, box: 'received', limit: 10 });
        expect(received.map((i) => i.id)).toEqual([r3.id, r2.id, r1.id]);
        expect(received[0]).toEqual({ ...r3, sender: { id: x!.id, username: x!.username, displayName: x!.displayName, avatarUrl: null }, conversationTitle: 'Team' });
        expect(received[2]!.conversationTitle).toBeNull();
        for (const { sender, conversationTitle, ...msg } of received) {
          MessageSchema.parse(msg);
          PublicUserSchema.parse(sender);
          void conversationTitle;
        }
        const sent = await store.mailbox({ userId: me!.id, box: 'sent', limit: 10 });
        expect(sent.map((i) => i.id)).toEqual([s2.id, s1.id]);
        expect(sent[0]).toMatchObject({ sender: { id: me!.id }, conversationTitle: 'Team' });

        // Someone else's boxes are their own.
        expect((await store.mailbox({ userId: x!.id, box: 'received', limit: 10 })).map((i) => i.id)).toEqual([s3hidden.id, s2.id, s1.id, r2.id]);
      });

      it('pages with an exclusive (createdAt, id) cursor, ties broken by id descending', async () => {
        const [me, x] = await users(2);
        const d = await direct(me!, x!);
        const prefix = fresh('m');
        const sent: Message[] = [];
        // Pairs share a createdAt so the id breaks the tie.
        for (let i = 0; i < 7; i++) sent.push(await send(d, x!, { at: T0 + Math.floor(i / 2), messageId: `${prefix}${i}` as MessageId }));
        const expected = [...sent].sort((p, q) => q.createdAt - p.createdAt || (q.id < p.id ? -1 : q.id > p.id ? 1 : 0)).map((m) => m.id);
        const got: string[] = [];
        let cursor: { at: number; id: string } | undefined;
        for (let page = 0; page < 5; page++) {
          const items = await store.mailbox({ userId: me!.id, box: 'received', limit: 3, ...(cursor ? { cursor } : {}) });
          got.push(...items.map((i) => i.id));
          if (items.length < 3) break;
          const last = items[items.length - 1]!;
          cursor = { at: last.createdAt, id: last.id };
        }
        expect(got).toEqual(expected);
      });

      it('forgets conversations the user is no longer in', async () => {
        const [o, me] = await users(2);
        const g = await group(o!, [me!]);
        await send(g, o!);
        await send(g, me!);
        await store.removeMember({ conversationId: g, actorId: me!.id, userId: me!.id, at: T0 + 5 });
        expect(await store.mailbox({ userId: me!.id, box: 'received', limit: 10 })).toEqual([]);
        expect(await store.mailbox({ userId: me!.id, box: 'sent', limit: 10 })).toEqual([]);
      });
    });

    // ---- receipts and per-user state

    describe('watermarks and receipts', () => {
      it('raise only, are capped at lastSeq, read implies delivered, and bump receiptsVersion only on change', async () => {
        const [a, b, out] = await users(3);
        const id = await direct(a!, b!);
        for (let i = 0; i < 4; i++) await send(id, a!); // lastSeq 7
        const adv = (userId: UserId, kind: 'delivered' | 'read', seq: number) => store.advanceWatermark({ conversationId: id, userId, kind, seq });

        const d1 = await adv(b!.id, 'delivered', 5);
        expect(d1).toEqual({ changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 0, receiptsVersion: 1 } });
        ReceiptSchema.parse(d1.receipt);
        expect(await adv(b!.id, 'delivered', 3)).toEqual({ changed: false, receipt: d1.receipt });
        expect(await adv(b!.id, 'delivered', 5)).toEqual({ changed: false, receipt: d1.receipt });

        const r1 = await adv(b!.id, 'read', 100); // capped
        expect(r1).toEqual({ changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 7, readSeq: 7, receiptsVersion: 2 } });
        expect(await adv(b!.id, 'read', 6)).toEqual({ changed: false, receipt: r1.receipt });
        expect((await adv(b!.id, 'delivered', 1000)).changed).toBe(false);

        const a1 = await adv(a!.id, 'read', 2);
        expect(a1.receipt).toMatchObject({ deliveredSeq: 2, readSeq: 2, receiptsVersion: 3 });
        const a2 = await adv(a!.id, 'delivered', 4);
        expect(a2.receipt).toMatchObject({ deliveredSeq: 4, readSeq: 2, receiptsVersion: 4 });

        expect(await store.getMember(id, b!.id)).toMatchObject({ deliveredSeq: 7, readSeq: 7 });
        expect((await store.getConversation(id))!.receiptsVersion).toBe(4);
        const all = await store.receipts(id);
        expect(all.receiptsVersion).toBe(4);
        expect(all.receipts.map((r) => ReceiptSchema.parse(r)).sort((p, q) => p.userId.localeCompare(q.userId))).toEqual(
          [
            { conversationId: id, userId: a!.id, deliveredSeq: 4, readSeq: 2, receiptsVersion: 4 },
            { conversationId: id, userId: b!.id, deliveredSeq: 7, readSeq: 7, receiptsVersion: 4 },
          ].sort((p, q) => p.userId.localeCompare(q.userId)),
        );
        expect(await store.conversationHeads(a!.id)).toEqual([{ id, lastSeq: 7, receiptsVersion: 4 }]);
        await expectCode(adv(out!.id, 'read', 1), 'NOT_MEMBER');
        // Receipts are not log events.
        expect(await lastSeq(id)).toBe(7);
      });

      it('advance in batches: one result per input in order, later inputs see earlier ones, failures stay local', async () => {
        const [a, b, c, out] = await users(4);
        const id = await direct(a!, b!);
        const g = await group(a!, [c!]);
        for (let i = 0; i < 3; i++) await send(id, a!); // lastSeq 6
        await send(g, a!);
        const results = await store.advanceWatermarks([
          { conversationId: g, userId: c!.id, kind: 'delivered', seq: 100 },
          { conversationId: id, userId: b!.id, kind: 'delivered', seq: 5 },
          { conversationId: id, userId: out!.id, kind: 'read', seq: 1 },
          { conversationId: 'no-such-conversation' as ConversationId, userId: b!.id, kind: 'read', seq: 1 },
          { conversationId: id, userId: b!.id, kind: 'read', seq: 4 },
          { conversationId: id, userId: b!.id, kind: 'delivered', seq: 3 },
        ]);
        const glast = await lastSeq(g);
        expect(results).toEqual([
          { ok: true, changed: true, receipt: { conversationId: g, userId: c!.id, deliveredSeq: glast, readSeq: 0, receiptsVersion: 1 } },
          { ok: true, changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 0, receiptsVersion: 1 } },
          { ok: false, code: 'NOT_MEMBER' },
          { ok: false, code: 'NOT_FOUND' },
          { ok: true, changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 4, receiptsVersion: 2 } },
          { ok: true, changed: false, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 4, receiptsVersion: 2 } },
        ]);
        expect(await store.getMember(id, b!.id)).toMatchObject({ deliveredSeq: 5, readSeq: 4 });
        expect(await store.advanceWatermarks([])).toEqual([]);
      });

      it('hide readSeq (null) for members who do not share read receipts', async () => {
        const [a, b] = await users(2);
        const id = await direct(a!, b!);
        await send(id, a!);
        await store.updatePrivacy(b!.id, { readReceipts: false });
        const r = await store.advanceWatermark({ conversationId: id, userId: b!.id, kind: 'read', seq: 4 });
        expect(r).toEqual({ changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 4, readSeq: null, receiptsVersion: 1 } });
        const all = await store.receipts(id);
        expect(all.receipts.find((x) => x.userId === b!.id)!.readSeq).toBeNull();
        expect(all.receipts.find((x) => x.userId === a!.id)!.readSeq).toBe(0);
        // The member record keeps the real watermark: unread counts still work for b.
        expect(await store.getMember(id, b!.id)).toMatchObject({ readSeq: 4 });
        const view = await store.getConversationView(id, a!.id);
        expect(view!.members.find((m) => m.userId === b!.id)!.readReceipts).toBe(false);
        expect(view!.members.find((m) => m.userId === a!.id)!.readReceipts).toBe(true);
      });
    });

    describe('archive and user events', () => {
      it('archives and unarchives with user events only on change', async () => {
        const [a, b, out] = await users(3);
        const id = await direct(a!, b!);
        const e1 = checkUserEvent(await store.setArchived({ conversationId: id, userId: a!.id, archived: true, at: T0 + 1 }));
        expect(e1).toEqual({ type: 'conversation.archived', userSeq: 1, at: T0 + 1, conversationId: id });
        expect(await store.setArchived({ conversationId: id, userId: a!.id, archived: true, at: T0 + 2 })).toBeNull();
        expect(await store.getMember(id, a!.id)).toMatchObject({ archived: true });
        expect((await store.listConversationViews(a!.id, { archived: true, limit: 10 })).map((v) => v.id)).toEqual([id]);
        expect(await store.listConversationViews(a!.id, { archived: false, limit: 10 })).toEqual([]);
        expect((await store.listConversationViews(b!.id, { archived: false, limit: 10 })).map((v) => v.id)).toEqual([id]);

        const e2 = checkUserEvent(await store.setArchived({ conversationId: id, userId: a!.id, archived: false, at: T0 + 3 }));
        expect(e2).toEqual({ type: 'conversation.unarchived', userSeq: 2, at: T0 + 3, conversationId: id });
        expect(await store.setArchived({ conversationId: id, userId: a!.id, archived: false, at: T0 + 4 })).toBeNull();
        await expectCode(store.setArchived({ conversationId: id, userId: out!.id, archived: true, at: T0 }), 'NOT_MEMBER');
        expect(await lastSeq(id)).toBe(3);
      });

      it('pages user events with hasMore and reports the current userSeq', async () => {
        const [a, b] = await users(2);
        const id = await direct(a!, b!);
        const m = await send(id, b!);
        expect(await store.userEventsAfter(a!.id, 0, 10)).toEqual({ events: [], hasMore: false, userSeq: 0 });
        await store.setArchived({ conversationId: id, userId: a!.id, archived: true, at: T0 + 1 });
        await store.hideMessage({ conversationId: id, messageId: m.id, userId: a!.id, at: T0 + 2 });
        await store.setArchived({ conversationId: id, userId: a!.id, archived: false, at: T0 + 3 });
        const p1 = await store.userEventsAfter(a!.id, 0, 2);
        expect(p1.events.map((e) => [e.userSeq, e.type])).toEqual([
          [1, 'conversation.archived'],
          [2, 'message.hidden'],
        ]);
        expect(p1.hasMore).toBe(true);
        expect(p1.userSeq).toBe(3);
        for (const e of p1.events) checkUserEvent(e);
        const p2 = await store.userEventsAfter(a!.id, 2, 2);
        expect(p2).toEqual({ events: [{ type: 'conversation.unarchived', userSeq: 3, at: T0 + 3, conversationId: id }], hasMore: false, userSeq: 3 });
        expect((await store.userEventsAfter(b!.id, 0, 10)).userSeq).toBe(0);
      });
    });

    describe('conversation views', () => {
      it('shows members, me, the last visible message and the unread count', async () => {
        const [me, x, y] = await users(3);
        const g = await group(x!, [me!, y!], T0, 'Team');
        const m1 = await send(g, x!, { at: T0 + 1 });
        const m2 = await send(g, me!, { at: T0 + 2 });
        const m3 = await send(g, y!, { at: T0 + 3 });
        const m4 = await send(g, x!, { at: T0 + 4 });
        const m5 = await send(g, y!, { at: T0 + 5 });

        let view = (await store.getConversationView(g, me!.id))!;
        expect(view).toMatchObject({ id: g, kind: 'group', title: 'Team', lastSeq: m5.seq, receiptsVersion: 0, createdAt: T0, updatedAt: T0 + 5 });
        expect(view.me).toEqual({ userId: me!.id, role: 'member', deliveredSeq: 0, readSeq: 0, archived: false, joinedAt: T0 });
        expect(view.members.map((m) => [m.userId, m.role, m.user.username, m.readReceipts])).toEqual([
          [x!.id, 'owner', x!.username, true],
          [me!.id, 'member', me!.username, true],
          [y!.id, 'member', y!.username, true],
        ]);
        for (const m of view.members) PublicUserSchema.parse(m.user);
        expect(view.lastMessage).toEqual(m5);
        expect(view.unreadCount).toBe(4); // m1, m3, m4, m5 (not my own m2)

        await store.advanceWatermark({ conversationId: g, userId: me!.id, kind: 'read', seq: m3.seq });
        await store.deleteMessageForEveryone({ conversationId: g, messageId: m5.id, actorId: y!.id, at: T0 + 6 });
        await store.hideMessage({ conversationId: g, messageId: m4.id, userId: me!.id, at: T0 + 7 });
        view = (await store.getConversationView(g, me!.id))!;
        expect(view.me.readSeq).toBe(m3.seq);
        expect(view.unreadCount).toBe(0);
        expect(view.lastMessage).toEqual(m3); // m5 deleted, m4 hidden by me
        expect((await store.getConversationView(g, x!.id))!.lastMessage).toEqual(m4);
        expect((await store.getConversationView(g, x!.id))!.unreadCount).toBe(2); // m2, m3 (m5 deleted)
        void m1;
        void m2;

        const out = await user();
        expect(await store.getConversationView(g, out.id)).toBeNull();
        expect(await store.getConversationView(convId(), me!.id)).toBeNull();
      });

      it('lists by updatedAt descending (then id) with an exclusive keyset cursor', async () => {
        const me = await user();
        const others = await users(5);
        const ids: ConversationId[] = [];
        for (let i = 0; i < 5; i++) ids.push(await direct(me, others[i]!, T0 + i));
        await send(ids[1]!, others[1]!, { at: T0 + 100 }); // moves to the top
        // ids[3] and ids[4] tie on updatedAt: the larger id comes first.
        await send(ids[3]!, others[3]!, { at: T0 + 50 });
        await send(ids[4]!, others[4]!, { at: T0 + 50 });
        const tie = [ids[3]!, ids[4]!].sort().reverse();
        const expected = [ids[1]!, ...tie, ids[2]!, ids[0]!];

        const got: string[] = [];
        let cursor: { at: number; id: string } | undefined;
        for (let page = 0; page < 5; page++) {
          const views = await store.listConversationViews(me.id, { archived: false, limit: 2, ...(cursor ? { cursor } : {}) });
          got.push(...views.map((v) => v.id));
          if (views.length < 2) break;
          const last = views[views.length - 1]!;
          cursor = { at: last.updatedAt, id: last.id };
        }
        expect(got).toEqual(expected);
        const first = (await store.listConversationViews(me.id, { archived: false, limit: 1 }))[0]!;
        expect(first.unreadCount).toBe(1);
        expect(first.me.userId).toBe(me.id);
        expect(first.members).toHaveLength(2);
      });
    });

    describe('operations', () => {
      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
}
