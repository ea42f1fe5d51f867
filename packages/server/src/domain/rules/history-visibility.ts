/**
 * Who sees a group's history: the one definition. A group's setting (HistoryVisibility
 * of @parley/protocol) decides, at the moment someone joins, the first seq of the log
 * their membership may read, `visibleFromSeq`; adapters store it on the member row in
 * the transaction that appends the member.added event, and every read of messages
 * applies it. A membership keeps its value for life:
 * - changing the setting governs later joins only (nobody gains or loses what they see);
 * - a member removed and added again gets a new membership, so in 'joined' mode they
 *   read from the new join (not the earlier membership, not the time away).
 * A direct conversation's two members read everything.
 */
import { DEFAULT_HISTORY_VISIBILITY, type HistoryVisibility } from '@parley/protocol';
import type { ConversationRecord, MemberRecord } from '../../store/port';
import { checkManage } from './group-roles';

type Conversation = Pick<ConversationRecord, 'kind' | 'historyVisibility'>;
type Reader = Pick<MemberRecord, 'visibleFromSeq'>;

/** Seqs start at 1: a membership visible from 1 reads the whole log. */
export const WHOLE_LOG = 1;

/** A new group's setting: the creator's choice, else the documented default. */
export function newGroupVisibility(asked: HistoryVisibility | undefined): HistoryVisibility {
  return asked ?? DEFAULT_HISTORY_VISIBILITY;
}

/**
 * The first seq a member joining now may read. `lastSeq` is the conversation's last seq
 * before the join's own events (0 while a group is being created: its founders read all).
 */
export function visibleFromAtJoin(conversation: Conversation, lastSeq: number): number {
  if (conversation.kind === 'direct' || conversation.historyVisibility === 'all') return WHOLE_LOG;
  return lastSeq + 1;
}

/** Changing the setting: as renaming, the owner or an admin of a group. The value it has changes nothing. */
export function planVisibilityChange(conversation: Conversation, actor: Pick<MemberRecord, 'userId' | 'role'>, next: HistoryVisibility): 'change' | 'noChange' {
  checkManage(conversation, actor);
  return conversation.historyVisibility === next ? 'noChange' : 'change';
}

export function mayRead(member: Reader, seq: number): boolean {
  return seq >= member.visibleFromSeq;
}

/** The message as the member may see it: null (no such message, for them) when it came before their reading starts. */
export function readableMessage<M extends { seq: number }>(member: Reader, message: M | null): M | null {
  return message && mayRead(member, message.seq) ? message : null;
}

/** Where a read of the log "after `after`" starts for this member: never before their reading does. */
export function readAfter(member: Reader, after: number): number {
  return Math.max(after, member.visibleFromSeq - 1);
}
