/**
 * What may be done to a message: edit (its author), delete for everyone (its author, or
 * an owner or admin of a group), hide for oneself (any member, even a deleted message).
 * A message deleted for everyone is gone: it can be neither edited nor deleted again.
 * An edit replaces the content with content of the same kind.
 * Adapters call these on the message row they loaded in the writing transaction, after
 * loading the actor's membership (a non-member is refused before any rule).
 */
import type { MessageKind, UserId } from '@parley/protocol';
import type { ConversationRecord, MemberRecord } from '../../store/port';
import { RuleError } from './refusals';

/** What the rules read of a message; null: no such message in the conversation. */
export type MessageFacts = { senderId: UserId | string; deletedAt: number | null; kind?: MessageKind } | null;

function requireLive(message: MessageFacts): asserts message is NonNullable<MessageFacts> {
  if (!message || message.deletedAt !== null) throw new RuleError('messageGone');
}

/** An edit: the author's, of a live message, with new content of the message's own kind. */
export function checkEdit(actorId: UserId, message: MessageFacts, kind: MessageKind): void {
  requireLive(message);
  if (message.senderId !== actorId) throw new RuleError('authorOnly');
  if (message.kind !== kind) throw new RuleError('editKeepsKind');
}

export function checkDeleteForEveryone(conversation: Pick<ConversationRecord, 'kind'>, actor: Pick<MemberRecord, 'userId' | 'role'>, message: MessageFacts): void {
  requireLive(message);
  if (message.senderId === actor.userId) return;
  const moderates = conversation.kind === 'group' && (actor.role === 'owner' || actor.role === 'admin');
  if (!moderates) throw new RuleError('authorOrModerator');
}

/** A server admin's delete (moderation): allowed on any live message; the admin check is the service's. */
export function checkModeratorDelete(message: MessageFacts): void {
  requireLive(message);
}

/** Hiding for oneself: any message of the conversation, deleted or not. */
export function checkHide(message: MessageFacts): void {
  if (!message) throw new RuleError('messageGone');
}
