import { describe, expect, it } from 'vitest';
import type { Role, UserId } from '@parley/protocol';
import { RuleError, type Refusal } from './refusals';
import { checkDeleteForEveryone, checkEdit, checkHide, checkModeratorDelete, type MessageFacts } from './message-rights';

const me = 'me' as UserId;
const mine: MessageFacts = { senderId: me, deletedAt: null, kind: 'text' };
const theirs: MessageFacts = { senderId: 'other' as UserId, deletedAt: null, kind: 'text' };
const deleted: MessageFacts = { senderId: me, deletedAt: 5 };

function outcome(fn: () => void): Refusal | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof RuleError) return err.refusal;
    throw err;
  }
}

describe('message rights', () => {
  it.each([
    [mine, 'ok'],
    [theirs, 'authorOnly'],
    [{ senderId: me, deletedAt: null, kind: 'encrypted' }, 'editKeepsKind'],
    [deleted, 'messageGone'],
    [null, 'messageGone'],
  ] as const)('checkEdit of %o: %s', (message, expected) => {
    expect(outcome(() => checkEdit(me, message, 'text'))).toBe(expected);
  });

  it.each([
    ['group', 'member', mine, 'ok'],
    ['group', 'member', theirs, 'authorOrModerator'],
    ['group', 'admin', theirs, 'ok'],
    ['group', 'owner', theirs, 'ok'],
    ['direct', 'member', mine, 'ok'],
    ['direct', 'member', theirs, 'authorOrModerator'],
    // Only a group has moderators: a role in a direct conversation gives no right.
    ['direct', 'owner', theirs, 'authorOrModerator'],
    ['group', 'owner', deleted, 'messageGone'],
    ['group', 'owner', null, 'messageGone'],
  ] as const)('checkDeleteForEveryone in a %s by a %s of %o: %s', (kind, role, message, expected) => {
    expect(outcome(() => checkDeleteForEveryone({ kind }, { userId: me, role: role as Role }, message))).toBe(expected);
  });

  it('a deleted message can be hidden, but a moderator cannot delete it again', () => {
    expect(outcome(() => checkHide(deleted))).toBe('ok');
    expect(outcome(() => checkHide(null))).toBe('messageGone');
    expect(outcome(() => checkModeratorDelete(theirs))).toBe('ok');
    expect(outcome(() => checkModeratorDelete(deleted))).toBe('messageGone');
  });
});
