import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Role, UserId } from '@parley/protocol';
import { RuleError, type Refusal } from './refusals';
import { mayRead, newGroupVisibility, planVisibilityChange, readAfter, readableMessage, visibleFromAtJoin } from './history-visibility';

const joined = { kind: 'group' as const, historyVisibility: 'joined' as const };
const all = { kind: 'group' as const, historyVisibility: 'all' as const };
const direct = { kind: 'direct' as const, historyVisibility: 'all' as const };
const actor = (role: Role) => ({ userId: 'a' as UserId, role });

function outcome<T>(fn: () => T): Refusal | T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RuleError) return err.refusal;
    throw err;
  }
}

describe('history visibility', () => {
  it("a new group is 'joined' unless its creator asks otherwise", () => {
    expect(newGroupVisibility(undefined)).toBe('joined');
    expect(newGroupVisibility('all')).toBe('all');
    expect(newGroupVisibility('joined')).toBe('joined');
  });

  it("a join reads from the next seq in a 'joined' group, from the start otherwise; founders read everything", () => {
    expect(visibleFromAtJoin(joined, 41)).toBe(42);
    expect(visibleFromAtJoin(all, 41)).toBe(1);
    expect(visibleFromAtJoin(direct, 41)).toBe(1);
    expect(visibleFromAtJoin(joined, 0)).toBe(1);
  });

  it.each([
    [joined, 'owner', 'all', 'change'],
    [joined, 'admin', 'all', 'change'],
    [all, 'owner', 'all', 'noChange'],
    [joined, 'member', 'all', 'managersOnly'],
    [direct, 'member', 'joined', 'notAGroup'],
    [direct, 'owner', 'all', 'notAGroup'],
  ] as const)('changing %o by a %s to %s: %s', (conv, role, next, expected) => {
    expect(outcome(() => planVisibilityChange(conv, actor(role), next))).toBe(expected);
  });

  it('a member reads exactly the seqs from visibleFromSeq on, and log reads never start before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (from, seq, after) => {
        const member = { visibleFromSeq: from };
        expect(mayRead(member, seq)).toBe(seq >= from);
        expect(readableMessage(member, { seq })).toEqual(seq >= from ? { seq } : null);
        const start = readAfter(member, after);
        // Every seq after `start` is readable, and none the caller asked for is skipped.
        expect(mayRead(member, start + 1)).toBe(true);
        expect(start === after || start === from - 1).toBe(true);
      }),
    );
    expect(readableMessage({ visibleFromSeq: 1 }, null)).toBeNull();
  });
});
