/**
 * Store contract, part: the rules of domain/rules/ as every adapter applies them, on the
 * rows it loaded inside its transaction. Codes are asserted, not texts, except in the
 * one case that checks a refusal carries the catalogue's text (the same on every backend).
 * See ../contract.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '@parley/protocol';
import type { Store, UserRecord } from '../port';
import { REFUSALS, RuleError } from '../../domain/rules/refusals';
import { T0, type Kit } from './kit';
import { textEdit } from '../../test-support/text-content';

export function rules(k: Kit): void {
  const { fresh, users, group, direct, input, send, expectCode, checkEvents, lastSeq } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  const promote = (id: Parameters<Store['setMemberRole']>[0]['conversationId'], owner: UserRecord, who: UserRecord, at = T0 + 1) =>
    store.setMemberRole({ conversationId: id, actorId: owner.id, userId: who.id, role: 'admin', at });

  describe('rules: group roles', () => {
    it('setting the role a member already has appends nothing', async () => {
      const [o, a, m] = await users(3);
      const id = await group(o!, [a!, m!]);
      await promote(id, o!, a!);
      const seq = await lastSeq(id);
      expect(await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: a!.id, role: 'admin', at: T0 + 2 })).toEqual([]);
      expect(await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: m!.id, role: 'member', at: T0 + 3 })).toEqual([]);
      expect(await lastSeq(id)).toBe(seq);
      expect(await store.getConversation(id)).toMatchObject({ lastSeq: seq, updatedAt: T0 + 1 });
      expect((await store.listMembers(id)).map((x) => x.role)).toEqual(['owner', 'admin', 'member']);
    });

    it('only the owner sets roles: not an admin, not a member, not in a direct conversation, never the owner role', async () => {
      const [o, ad, m, x, y] = await users(5);
      const id = await group(o!, [ad!, m!]);
      await promote(id, o!, ad!);
      const seq = await lastSeq(id);
      await expectCode(store.setMemberRole({ conversationId: id, actorId: ad!.id, userId: m!.id, role: 'admin', at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.setMemberRole({ conversationId: id, actorId: m!.id, userId: m!.id, role: 'admin', at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.setMemberRole({ conversationId: id, actorId: o!.id, userId: o!.id, role: 'admin', at: T0 + 2 }), 'FORBIDDEN');
      // The target must be a member: like any unknown object, NOT_FOUND.
      await expectCode(store.setMemberRole({ conversationId: id, actorId: o!.id, userId: x!.id, role: 'admin', at: T0 + 2 }), 'NOT_FOUND');
      expect(await lastSeq(id)).toBe(seq);
      const d = await direct(x!, y!);
      await expectCode(store.setMemberRole({ conversationId: d, actorId: x!.id, userId: y!.id, role: 'admin', at: T0 + 2 }), 'FORBIDDEN');
      expect(await lastSeq(d)).toBe(3);
    });

    it('an admin renames and adds, but removes only plain members', async () => {
      const [o, ad1, ad2, m, n] = await users(5);
      const id = await group(o!, [ad1!, ad2!, m!]);
      await promote(id, o!, ad1!);
      await promote(id, o!, ad2!);
      checkEvents(await store.renameGroup({ conversationId: id, actorId: ad1!.id, title: 'By admin', at: T0 + 2 }));
      checkEvents(await store.addMembers({ conversationId: id, actorId: ad1!.id, userIds: [n!.id], maxMembers: 10, at: T0 + 3 }));
      const seq = await lastSeq(id);
      await expectCode(store.removeMember({ conversationId: id, actorId: ad1!.id, userId: ad2!.id, at: T0 + 4 }), 'FORBIDDEN');
      await expectCode(store.removeMember({ conversationId: id, actorId: ad1!.id, userId: o!.id, at: T0 + 4 }), 'FORBIDDEN');
      // A plain member removes nobody, even someone who is not there.
      await expectCode(store.removeMember({ conversationId: id, actorId: m!.id, userId: n!.id, at: T0 + 4 }), 'FORBIDDEN');
      await expectCode(store.removeMember({ conversationId: id, actorId: m!.id, userId: fresh('u') as UserId, at: T0 + 4 }), 'FORBIDDEN');
      expect(await lastSeq(id)).toBe(seq);
      expect(checkEvents(await store.removeMember({ conversationId: id, actorId: ad1!.id, userId: n!.id, at: T0 + 5 })).map((e) => e.type)).toEqual(['member.removed']);
    });

    it('the owner leaving hands over to the admin who joined first, not the one promoted first', async () => {
      const [o, m, early, late] = await users(4);
      const id = await group(o!, [m!]);
      await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [early!.id], maxMembers: 10, at: T0 + 1 });
      await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [late!.id], maxMembers: 10, at: T0 + 2 });
      await promote(id, o!, late!, T0 + 3);
      await promote(id, o!, early!, T0 + 4);
      const left = checkEvents(await store.removeMember({ conversationId: id, actorId: o!.id, userId: o!.id, at: T0 + 5 }));
      expect(left.map((e) => [e.type, 'userId' in e && e.userId])).toEqual([
        ['member.left', o!.id],
        ['member.role', early!.id],
      ]);
      expect((await store.listMembers(id)).map((x) => [x.userId, x.role])).toEqual([
        [m!.id, 'member'],
        [early!.id, 'owner'],
        [late!.id, 'admin'],
      ]);
    });

    it('members created with the group at the same time: the first named becomes owner after the owner', async () => {
      const [o, first, second] = await users(3);
      const id = await group(o!, [first!, second!]);
      const left = checkEvents(await store.removeMember({ conversationId: id, actorId: o!.id, userId: o!.id, at: T0 + 1 }));
      expect(left[1]).toMatchObject({ type: 'member.role', userId: first!.id, role: 'owner' });
    });

    it('an admin or member leaving hands nothing over; the owner alone leaving empties the group', async () => {
      const [o, ad, m] = await users(3);
      const id = await group(o!, [ad!, m!]);
      await promote(id, o!, ad!);
      for (const who of [ad!, m!]) {
        expect(checkEvents(await store.removeMember({ conversationId: id, actorId: who.id, userId: who.id, at: T0 + 2 })).map((e) => e.type)).toEqual(['member.left']);
      }
      expect(await store.getMember(id, o!.id)).toMatchObject({ role: 'owner' });
      expect(checkEvents(await store.removeMember({ conversationId: id, actorId: o!.id, userId: o!.id, at: T0 + 3 })).map((e) => e.type)).toEqual(['member.left']);
      expect(await store.listMembers(id)).toEqual([]);
    });

    it('adding nobody new appends nothing; adding past the limit is LIMIT_EXCEEDED', async () => {
      const [o, a] = await users(2);
      const id = await group(o!, []);
      const seq = await lastSeq(id);
      expect(await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [], maxMembers: 1, at: T0 + 1 })).toEqual([]);
      await expectCode(store.addMembers({ conversationId: id, actorId: o!.id, userIds: [a!.id], maxMembers: 1, at: T0 + 1 }), 'LIMIT_EXCEEDED');
      expect(await lastSeq(id)).toBe(seq);
    });

    it('a non-member is NOT_MEMBER for every group change, before any rule', async () => {
      const [o, m, out] = await users(3);
      const id = await group(o!, [m!]);
      await expectCode(store.renameGroup({ conversationId: id, actorId: out!.id, title: 'x', at: T0 }), 'NOT_MEMBER');
      await expectCode(store.addMembers({ conversationId: id, actorId: out!.id, userIds: [out!.id], maxMembers: 10, at: T0 }), 'NOT_MEMBER');
      await expectCode(store.removeMember({ conversationId: id, actorId: out!.id, userId: out!.id, at: T0 }), 'NOT_MEMBER');
      await expectCode(store.removeMember({ conversationId: id, actorId: out!.id, userId: m!.id, at: T0 }), 'NOT_MEMBER');
      await expectCode(store.setMemberRole({ conversationId: id, actorId: out!.id, userId: m!.id, role: 'admin', at: T0 }), 'NOT_MEMBER');
      expect(await lastSeq(id)).toBe(3);
    });
  });

  describe('rules: message rights', () => {
    it('nobody but the author edits, not even the group owner', async () => {
      const [o, m] = await users(2);
      const id = await group(o!, [m!]);
      const msg = await send(id, m!);
      await expectCode(store.editMessage({ conversationId: id, messageId: msg.id, actorId: o!.id, ...textEdit('x', null), at: T0 + 2 }), 'FORBIDDEN');
      expect(await store.getMessage(id, msg.id)).toEqual(msg);
    });

    it('a message deleted for everyone can still be hidden, but not edited or deleted again, by anyone', async () => {
      const [o, m] = await users(2);
      const id = await group(o!, [m!]);
      const msg = await send(id, m!);
      await store.deleteMessageForEveryone({ conversationId: id, messageId: msg.id, actorId: o!.id, at: T0 + 2 });
      const seq = await lastSeq(id);
      await expectCode(store.editMessage({ conversationId: id, messageId: msg.id, actorId: m!.id, ...textEdit('x', null), at: T0 + 3 }), 'NOT_FOUND');
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: msg.id, actorId: m!.id, at: T0 + 3 }), 'NOT_FOUND');
      await expectCode(store.moderation.deleteMessageAsModerator({ conversationId: id, messageId: msg.id, moderatorId: o!.id, at: T0 + 3 }), 'NOT_FOUND');
      const hidden = await store.hideMessage({ conversationId: id, messageId: msg.id, userId: m!.id, at: T0 + 4 });
      expect(hidden).toMatchObject({ type: 'message.hidden', messageId: msg.id });
      expect(await lastSeq(id)).toBe(seq);
    });

    it('a plain member deletes only their own messages for everyone', async () => {
      const [o, m1, m2] = await users(3);
      const id = await group(o!, [m1!, m2!]);
      const byO = await send(id, o!);
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: byO.id, actorId: m1!.id, at: T0 + 2 }), 'FORBIDDEN');
      const own = await send(id, m1!);
      expect(await store.deleteMessageForEveryone({ conversationId: id, messageId: own.id, actorId: m1!.id, at: T0 + 3 })).toMatchObject({ type: 'message.deleted' });
    });

    it('a non-member is NOT_MEMBER for edit, delete and hide', async () => {
      const [a, b, out] = await users(3);
      const id = await direct(a!, b!);
      const msg = await send(id, a!);
      await expectCode(store.editMessage({ conversationId: id, messageId: msg.id, actorId: out!.id, ...textEdit('x', null), at: T0 + 2 }), 'NOT_MEMBER');
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: msg.id, actorId: out!.id, at: T0 + 2 }), 'NOT_MEMBER');
      await expectCode(store.hideMessage({ conversationId: id, messageId: msg.id, userId: out!.id, at: T0 + 2 }), 'NOT_MEMBER');
    });
  });

  describe('rules: send rights', () => {
    it('a member who left sends nothing, and a retry of what they sent before still returns it', async () => {
      const [o, m] = await users(2);
      const id = await group(o!, [m!]);
      const first = input(id, m!);
      const [sent] = await store.appendMessages([first]);
      await store.removeMember({ conversationId: id, actorId: m!.id, userId: m!.id, at: T0 + 2 });
      // Membership comes first: after leaving, even a retry is refused.
      expect(await store.appendMessages([first, input(id, m!)])).toEqual([
        { ok: false, code: 'NOT_MEMBER' },
        { ok: false, code: 'NOT_MEMBER' },
      ]);
      expect(sent?.ok).toBe(true);
    });
  });

  describe('rules: one text per refusal', () => {
    it('a refusal is the rule error with the catalogue text, not words of the adapter', async () => {
      const [o, m] = await users(2);
      const id = await group(o!, [m!]);
      const cases: [() => Promise<unknown>, keyof typeof REFUSALS][] = [
        [() => store.renameGroup({ conversationId: id, actorId: m!.id, title: 'x', at: T0 }), 'managersOnly'],
        [() => store.setMemberRole({ conversationId: id, actorId: m!.id, userId: o!.id, role: 'member', at: T0 }), 'ownerOnly'],
        [() => store.addMembers({ conversationId: id, actorId: o!.id, userIds: [m!.id], maxMembers: 10, at: T0 }), 'alreadyMember'],
      ];
      for (const [call, refusal] of cases) {
        const err = await expectCode(call(), REFUSALS[refusal].code);
        expect(err).toBeInstanceOf(RuleError);
        expect(err).toMatchObject({ refusal, message: REFUSALS[refusal].message });
      }
    });
  });
}
