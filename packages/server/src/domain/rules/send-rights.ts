/**
 * Who may send where: a member of the conversation; in a direct conversation, only while
 * no block stands between its two members. A retry of a message stored earlier (same
 * sender and client id) returns the original even after a block, so a client's outbox
 * never sees a stored message refused. Adapters decide each send of a batch with this,
 * on what they read after locking the conversation; a retry returns the original before
 * relations are looked at, so a retry never fails on them.
 */
import { isClientSendable, type MessageKind } from '@parley/protocol';
import type { ConversationRecord } from '../../store/port';
import { RuleError } from './refusals';

type Kind = Pick<ConversationRecord, 'kind'>;

export interface SendFacts<M, C extends Kind> {
  /** null: no such conversation. */
  conversation: C | null;
  isMember: boolean;
  /** The message this sender stored before under the same client id. */
  original: M | null;
  /** Whether either member of the conversation blocked the other; read only when a block would matter. */
  blocked: () => boolean;
  /** Whether the message's relations hold (message-relations.ts); asked last, for a message about to be stored. */
  relationsHold?: () => boolean;
}

export type SendDecision<M, C> =
  | { kind: 'refuse'; code: 'NOT_FOUND' | 'NOT_MEMBER' | 'BLOCKED' | 'RELATION_INVALID' }
  | { kind: 'duplicate'; original: M }
  | { kind: 'store'; conversation: C };

export function decideSend<M, C extends Kind>(facts: SendFacts<M, C>): SendDecision<M, C> {
  if (!facts.conversation) return { kind: 'refuse', code: 'NOT_FOUND' };
  if (!facts.isMember) return { kind: 'refuse', code: 'NOT_MEMBER' };
  if (facts.original !== null) return { kind: 'duplicate', original: facts.original };
  if (blocksApply(facts.conversation) && facts.blocked()) return { kind: 'refuse', code: 'BLOCKED' };
  if (facts.relationsHold && !facts.relationsHold()) return { kind: 'refuse', code: 'RELATION_INVALID' };
  return { kind: 'store', conversation: facts.conversation };
}

/**
 * Which kinds a client may send: those message-kinds.ts marks clientSendable (not
 * `system`, which only the server writes). Checked before anything is stored.
 */
export function checkClientKind(kind: MessageKind): void {
  if (!isClientSendable(kind)) throw new RuleError('kindNotSendable');
}

/** Blocks refuse sends in direct conversations only; in a group the others still talk. */
export function blocksApply(conversation: Kind): boolean {
  return conversation.kind === 'direct';
}
