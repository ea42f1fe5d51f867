/**
 * Who may change a group, and how: the one definition of the owner / admin / member
 * rules. Storage adapters call these inside the transaction that writes, on the rows
 * they loaded under it, and write only what the plan says; a refusal is a RuleError.
 *
 * Checks run in a fixed order (kind of conversation, then the actor's role, then the
 * target), so the same request gets the same refusal on every backend.
 */
import type { Role, UserId } from '@parley/protocol';
import type { ConversationRecord, MemberRecord } from '../../store/port';
import { RuleError } from './refusals';

type Conversation = Pick<ConversationRecord, 'kind'>;
type Member = Pick<MemberRecord, 'userId' | 'role'>;

const manages = (m: Member) => m.role === 'owner' || m.role === 'admin';

/** Each id once, in the order first given (a repeated id counts once). */
export function distinctUsers(ids: readonly UserId[]): UserId[] {
  return [...new Set(ids)];
}

/** The members a new group starts with besides its owner: distinct, the owner not twice. */
export function newGroupMembers(ownerId: UserId, memberIds: readonly UserId[], maxMembers: number): UserId[] {
  const others = distinctUsers(memberIds).filter((id) => id !== ownerId);
  if (1 + others.length > maxMembers) throw new RuleError('tooManyMembers');
  return others;
}

/** Renaming a group and adding to it: its owner or an admin. */
export function checkManage(conversation: Conversation, actor: Member): void {
  if (conversation.kind !== 'group') throw new RuleError('notAGroup');
  if (!manages(actor)) throw new RuleError('managersOnly');
}

/**
 * Adding members, after checkManage and once the users are known to exist: all or
 * nothing. Returns who to add, each once (empty: nothing to do).
 */
export function planAdd(input: { userIds: readonly UserId[]; isMember: (id: UserId) => boolean; memberCount: number; maxMembers: number }): UserId[] {
  const wanted = distinctUsers(input.userIds);
  if (wanted.some(input.isMember)) throw new RuleError('alreadyMember');
  if (wanted.length > 0 && input.memberCount + wanted.length > input.maxMembers) throw new RuleError('tooManyMembers');
  return wanted;
}

/** The event to append; handOver: an owner is leaving, ownership passes on (chooseSuccessor). */
export interface RemovalPlan {
  event: 'member.left' | 'member.removed';
  handOver: boolean;
}

/**
 * Removing `target` (null: not a member). The actor removing themselves is a leave,
 * which any member of a group may do; removing another takes the owner (anyone) or an
 * admin (plain members only).
 */
export function planRemoval(conversation: Conversation, actor: Member, target: Member | null): RemovalPlan {
  if (conversation.kind !== 'group') throw new RuleError('notAGroup');
  if (target?.userId === actor.userId) return { event: 'member.left', handOver: actor.role === 'owner' };
  if (!manages(actor)) throw new RuleError('managersOnly');
  if (!target) throw new RuleError('targetNotMember');
  if (actor.role === 'admin' && target.role !== 'member') throw new RuleError('adminRemovesMembersOnly');
  return { event: 'member.removed', handOver: false };
}

/**
 * Who becomes owner when the owner leaves: the oldest admin, else the oldest member;
 * null when nobody is left. `members` in join order (what listMembers returns); the
 * earlier join time wins, and join order breaks a tie.
 */
export function chooseSuccessor<M extends Pick<MemberRecord, 'userId' | 'role' | 'joinedAt'>>(members: readonly M[], leaverId: UserId): M | null {
  let best: M | null = null;
  const rank = (m: M) => (m.role === 'admin' ? 0 : 1);
  for (const m of members) {
    if (m.userId === leaverId) continue;
    if (!best || rank(m) < rank(best) || (rank(m) === rank(best) && m.joinedAt < best.joinedAt)) best = m;
  }
  return best;
}

/**
 * An erased account leaves every conversation it is in (no rule refuses that); as the
 * owner of a group it hands ownership on exactly as a leave does (chooseSuccessor).
 */
export function erasureHandsOver(conversation: Conversation, member: Pick<MemberRecord, 'role'>): boolean {
  return conversation.kind === 'group' && member.role === 'owner';
}

/** Setting a member's role: the owner only, never the owner's own role. Setting the role they have changes nothing. */
export function planRoleChange(conversation: Conversation, actor: Member, target: Member | null, role: Exclude<Role, 'owner'>): 'change' | 'noChange' {
  if (conversation.kind !== 'group') throw new RuleError('notAGroup');
  if (actor.role !== 'owner') throw new RuleError('ownerOnly');
  if (!target) throw new RuleError('targetNotMember');
  if (target.role === 'owner') throw new RuleError('ownerRoleFixed');
  return target.role === role ? 'noChange' : 'change';
}
