import { describe, expect, it } from 'vitest';
import { decideSend } from './send-rights';
import { checkQuota } from './quota';
import { REFUSALS, RuleError } from './refusals';

const direct = { kind: 'direct' as const };
const group = { kind: 'group' as const };

describe('send rights', () => {
  it.each([
    [null, true, null, true, { kind: 'refuse', code: 'NOT_FOUND' }],
    [direct, false, 'orig', false, { kind: 'refuse', code: 'NOT_MEMBER' }],
    // A retry returns its original even across a block.
    [direct, true, 'orig', true, { kind: 'duplicate', original: 'orig' }],
    [direct, true, null, true, { kind: 'refuse', code: 'BLOCKED' }],
    [direct, true, null, false, { kind: 'store', conversation: direct }],
    // A block refuses nothing in a group.
    [group, true, null, true, { kind: 'store', conversation: group }],
  ] as const)('in %o, member %s, original %s, blocked %s: %o', (conversation, isMember, original, blocked, expected) => {
    expect(decideSend({ conversation, isMember, original, blocked: () => blocked })).toEqual(expected);
  });

  it('reads the block only when it decides', () => {
    let asked = 0;
    const blocked = () => (asked++, false);
    decideSend({ conversation: group, isMember: true, original: null, blocked });
    decideSend({ conversation: direct, isMember: true, original: 'x', blocked });
    decideSend({ conversation: direct, isMember: false, original: null, blocked });
    expect(asked).toBe(0);
    decideSend({ conversation: direct, isMember: true, original: null, blocked });
    expect(asked).toBe(1);
  });
});

describe('quota', () => {
  it('lets a reservation fill the quota exactly, and refuses one byte more', () => {
    expect(() => checkQuota(600, 400, 1000)).not.toThrow();
    expect(() => checkQuota(600, 401, 1000)).toThrow(RuleError);
  });
});

describe('refusals', () => {
  it('carries the catalogue code and text and nothing else', () => {
    for (const [name, { code, message }] of Object.entries(REFUSALS)) {
      const err = new RuleError(name as keyof typeof REFUSALS);
      expect({ code: err.code, message: err.message, refusal: err.refusal }).toEqual({ code, message, refusal: name });
    }
  });
});
