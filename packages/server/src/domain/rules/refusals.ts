/**
 * The refusals a rule can give, each with its catalogue code and the one text clients
 * see. Rules throw RuleError; the storage adapters let it pass unchanged (across the
 * SQLite writer thread too), and toAppError turns it into the AppError with the same
 * code and text, so every backend answers a refused change identically.
 */
import type { ErrorCode } from '@parley/protocol';

export const REFUSALS = {
  // groups and roles
  notAGroup: { code: 'FORBIDDEN', message: 'only a group allows this' },
  managersOnly: { code: 'FORBIDDEN', message: 'only the owner or an admin may do this' },
  ownerOnly: { code: 'FORBIDDEN', message: 'only the owner may change roles' },
  adminRemovesMembersOnly: { code: 'FORBIDDEN', message: 'an admin may remove only plain members' },
  ownerRoleFixed: { code: 'FORBIDDEN', message: "the owner's role cannot be changed" },
  // The target user of a removal or role change: like any other unknown object, 404.
  targetNotMember: { code: 'NOT_FOUND', message: 'not found' },
  alreadyMember: { code: 'CONFLICT', message: 'already a member' },
  tooManyMembers: { code: 'LIMIT_EXCEEDED', message: 'too many members for one group' },
  // messages
  messageGone: { code: 'NOT_FOUND', message: 'not found' },
  authorOnly: { code: 'FORBIDDEN', message: 'only the author may edit a message' },
  editKeepsKind: { code: 'CONFLICT', message: 'an edit keeps the kind of the message' },
  kindNotSendable: { code: 'FORBIDDEN', message: 'clients may not send this kind of message' },
  authorOrModerator: { code: 'FORBIDDEN', message: 'only the author, or an owner or admin of the group, may delete a message for everyone' },
  // attachments
  quotaExceeded: { code: 'QUOTA_EXCEEDED', message: 'your attachment storage quota is used up' },
  // blocks
  blockedDirect: { code: 'BLOCKED', message: 'you cannot message this user' },
  blockedMember: { code: 'BLOCKED', message: 'you cannot add a user you blocked or who blocked you' },
} as const satisfies Record<string, { code: ErrorCode; message: string }>;

export type Refusal = keyof typeof REFUSALS;
export type RuleErrorCode = (typeof REFUSALS)[Refusal]['code'];

/** A rule said no. Carries only what REFUSALS defines for `refusal`, never adapter text. */
export class RuleError extends Error {
  readonly code: RuleErrorCode;

  constructor(readonly refusal: Refusal) {
    super(REFUSALS[refusal].message);
    this.name = 'RuleError';
    this.code = REFUSALS[refusal].code;
  }
}

export function isRefusal(name: string): name is Refusal {
  return Object.hasOwn(REFUSALS, name);
}
