import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Role, UserId } from '@parley/protocol';
import { RuleError, type Refusal } from './refusals';
import { checkManage, chooseSuccessor, erasureHandsOver, newGroupMembers, planAdd, planRemoval, planRoleChange } from './group-roles';

const u = (id: string) => id as UserId;
const m = (id: string, role: Role) => ({ userId: u(id), role });
const group = { kind: 'group' as const };
const direct = { kind: 'direct' as const };

/** The refusal the call throws, or what it returns. */
function outcome<T>(fn: () => T): Refusal | T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RuleError) return err.refusal;
    throw err;
  }
}

describe('group roles', () => {
  it.each([
    [group, 'owner', 'ok'],
    [group, 'admin', 'ok'],
    [group, 'member', 'managersOnly'],
    [direct, 'member', 'notAGroup'],
    [direct, 'owner', 'notAGroup'],
  ] as const)('checkManage in a %o by a %s: %s', (conv, role, expected) => {
    expect(outcome(() => (checkManage(conv, m('a', role)), 'ok'))).toBe(expected);
  });

  it.each([
    // actor, target (null: not a member), expected
    ['owner', 'member', { event: 'member.removed', handOver: false }],
    ['owner', 'admin', { event: 'member.removed', handOver: false }],
    ['admin', 'member', { event: 'member.removed', handOver: false }],
    ['admin', 'admin', 'adminRemovesMembersOnly'],
    ['admin', 'owner', 'adminRemovesMembersOnly'],
    ['member', 'member', 'managersOnly'],
    ['member', null, 'managersOnly'],
    ['owner', null, 'targetNotMember'],
    ['admin', null, 'targetNotMember'],
  ] as const)('planRemoval by a %s of a %s: %o', (actor, target, expected) => {
    expect(outcome(() => planRemoval(group, m('a', actor), target ? m('t', target) : null))).toEqual(expected);
  });

  it.each([
    ['owner', { event: 'member.left', handOver: true }],
    ['admin', { event: 'member.left', handOver: false }],
    ['member', { event: 'member.left', handOver: false }],
  ] as const)('a %s leaving: %o', (role, expected) => {
    expect(planRemoval(group, m('a', role), m('a', role))).toEqual(expected);
  });

  it('nobody leaves or is removed from a direct conversation', () => {
    expect(outcome(() => planRemoval(direct, m('a', 'member'), m('a', 'member')))).toBe('notAGroup');
    expect(outcome(() => planRemoval(direct, m('a', 'member'), m('b', 'member')))).toBe('notAGroup');
  });

  it.each([
    [group, 'owner', 'member', 'admin', 'change'],
    [group, 'owner', 'admin', 'member', 'change'],
    [group, 'owner', 'admin', 'admin', 'noChange'],
    [group, 'owner', 'member', 'member', 'noChange'],
    [group, 'owner', 'owner', 'member', 'ownerRoleFixed'],
    [group, 'owner', null, 'admin', 'targetNotMember'],
    [group, 'admin', 'member', 'admin', 'ownerOnly'],
    [group, 'member', 'member', 'admin', 'ownerOnly'],
    [direct, 'member', 'member', 'admin', 'notAGroup'],
  ] as const)('planRoleChange in %o by a %s of a %s to %s: %s', (conv, actor, target, role, expected) => {
    expect(outcome(() => planRoleChange(conv, m('a', actor), target ? m('t', target) : null, role))).toBe(expected);
  });

  it('planAdd: all or nothing, each user once, within the limit', () => {
    const members = new Set(['a', 'b']);
    const isMember = (id: UserId) => members.has(id);
    expect(planAdd({ userIds: [u('c'), u('d'), u('c')], isMember, memberCount: 2, maxMembers: 4 })).toEqual(['c', 'd']);
    expect(outcome(() => planAdd({ userIds: [u('c'), u('b')], isMember, memberCount: 2, maxMembers: 10 }))).toBe('alreadyMember');
    expect(outcome(() => planAdd({ userIds: [u('c'), u('d')], isMember, memberCount: 2, maxMembers: 3 }))).toBe('tooManyMembers');
    // Adding nobody is never over the limit, even in a group already past it.
    expect(planAdd({ userIds: [], isMember, memberCount: 5, maxMembers: 3 })).toEqual([]);
  });

  it.each([
    [group, 'owner', true],
    [group, 'admin', false],
    [group, 'member', false],
    [direct, 'member', false],
  ] as const)('an erased account in a %o as %s hands ownership over: %s', (conv, role, expected) => {
    expect(erasureHandsOver(conv, { role })).toBe(expected);
  });

  it('newGroupMembers: the others once, without the owner, within the limit', () => {
    expect(newGroupMembers(u('o'), [u('b'), u('o'), u('a'), u('b')], 3)).toEqual(['b', 'a']);
    expect(outcome(() => newGroupMembers(u('o'), [u('a'), u('b')], 2))).toBe('tooManyMembers');
  });
});

describe('chooseSuccessor', () => {
  const member = fc.record({ role: fc.constantFrom<Role>('admin', 'member'), joinedAt: fc.integer({ min: 0, max: 5 }) });
  // Distinct ids in join order; join times never go down along the list (what a store holds, ties allowed).
  const members = fc.array(member, { maxLength: 12 }).map((xs) => {
    let t = 0;
    return xs.map((x, i) => ({ userId: u(`u${i}`), role: x.role, joinedAt: (t += x.joinedAt) }));
  });

  it('picks the oldest admin, else the oldest member, the earlier joined on a tie; never the leaver', () => {
    fc.assert(
      fc.property(members, fc.integer({ min: 0, max: 12 }), (list, leaverAt) => {
        const leaverId = u(`u${leaverAt}`);
        const heir = chooseSuccessor(list, leaverId);
        const candidates = list.filter((x) => x.userId !== leaverId);
        if (candidates.length === 0) return heir === null;
        const admins = candidates.filter((x) => x.role === 'admin');
        const pool = admins.length > 0 ? admins : candidates;
        return heir === pool[0];
      }),
    );
  });

  it('reads join times, not only list order', () => {
    const list = [
      { userId: u('late'), role: 'admin' as const, joinedAt: 20 },
      { userId: u('early'), role: 'admin' as const, joinedAt: 10 },
      { userId: u('m'), role: 'member' as const, joinedAt: 1 },
    ];
    expect(chooseSuccessor(list, u('x'))?.userId).toBe('early');
    expect(chooseSuccessor([{ userId: u('o'), role: 'owner' as const, joinedAt: 0 }], u('o'))).toBeNull();
  });
});
