/**
 * What a new message may point at (relations are stored as columns, so threads and
 * replies can be listed by index):
 * - replyTo: a message of the same conversation that the sender may read (from their
 *   visibleFromSeq on). A message deleted for everyone still counts: a reply racing the
 *   delete of what it answers is kept, and shows the tombstone it quotes.
 * - threadRootId: likewise, and itself on the main timeline (threads are one level deep).
 *   With both, the reply is to the root or to another message of that thread.
 * - targetId: only for a kind that takes a target (reactions, edit messages); none does yet.
 * Anything else is RELATION_INVALID and nothing is stored. Message ids are made by the
 * server and known to clients only once committed, so a relation never points into the
 * batch being written: adapters look related messages up in the database only.
 */
import { kindTakesTarget, type MessageId, type MessageKind } from '@parley/protocol';

/** What the rule reads of a related message; null: no message with that id. */
export type RelatedFacts = { conversationId: string; seq: number; threadRootId: string | null } | null;

export interface RelationsInput {
  conversationId: string;
  kind: MessageKind;
  replyTo: MessageId | null;
  threadRootId: MessageId | null;
  targetId: MessageId | null;
}

/** The ids a send relates to, for adapters to load before deciding. */
export function relatedIds(input: Pick<RelationsInput, 'replyTo' | 'threadRootId' | 'targetId'>): MessageId[] {
  return [input.replyTo, input.threadRootId, input.targetId].filter((id): id is MessageId => id !== null);
}

export function relationsHold(input: RelationsInput, senderVisibleFromSeq: number, lookup: (id: MessageId) => RelatedFacts): boolean {
  const readable = (id: MessageId) => {
    const found = lookup(id);
    return found && found.conversationId === input.conversationId && found.seq >= senderVisibleFromSeq ? found : null;
  };
  if (input.targetId !== null && (!kindTakesTarget(input.kind) || !readable(input.targetId))) return false;
  const root = input.threadRootId === null ? null : readable(input.threadRootId);
  if (input.threadRootId !== null && (!root || root.threadRootId !== null)) return false;
  if (input.replyTo === null) return true;
  const answered = readable(input.replyTo);
  if (!answered) return false;
  return input.threadRootId === null || input.replyTo === input.threadRootId || answered.threadRootId === input.threadRootId;
}
