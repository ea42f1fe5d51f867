/**
 * Receipts are watermarks (DESIGN invariant 5): one delivered and one read mark per
 * member, raised, never lowered, never past the conversation's last seq; reading
 * implies delivery. What others see of a read mark follows the reader's privacy setting.
 */
import type { MemberRecord } from '../../store/port';

type Marks = Pick<MemberRecord, 'deliveredSeq' | 'readSeq'>;

/** The member's marks after acknowledging `seq` as delivered or read, and whether that moved them. */
export function advanceMarks(current: Marks, lastSeq: number, kind: 'delivered' | 'read', seq: number): Marks & { changed: boolean } {
  const target = Math.max(0, Math.min(seq, lastSeq));
  const readSeq = kind === 'read' ? Math.max(current.readSeq, target) : current.readSeq;
  const deliveredSeq = Math.max(current.deliveredSeq, target, readSeq);
  return { deliveredSeq, readSeq, changed: deliveredSeq !== current.deliveredSeq || readSeq !== current.readSeq };
}

/** A read mark as others see it: null when the reader does not share read receipts. */
export function sharedReadSeq(readSeq: number, sharesReadReceipts: boolean): number | null {
  return sharesReadReceipts ? readSeq : null;
}
