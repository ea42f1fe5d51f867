/**
 * Message status from receipt watermarks: a message with seq s is delivered to a
 * member when their deliveredSeq >= s and read when their readSeq >= s. Members who
 * hide read receipts (readSeq null) count as not read.
 */
import type { Conversation, Message, UserId } from '@parley/protocol';

export type Tick = 'sent' | 'delivered' | 'read';

export interface MessageStatus {
  tick: Tick;
  /** Groups: how many of the other members read it, and of how many. */
  readBy: number;
  of: number;
}

export function statusOf(c: Conversation, m: Message, me: UserId): MessageStatus {
  const others = c.members.filter((x) => x.user.id !== me && x.joinedAt <= m.createdAt);
  const of = others.length;
  const readBy = others.filter((x) => x.readSeq !== null && x.readSeq >= m.seq).length;
  const deliveredTo = others.filter((x) => x.deliveredSeq >= m.seq || (x.readSeq ?? 0) >= m.seq).length;
  const tick: Tick = of > 0 && readBy === of ? 'read' : of > 0 && deliveredTo === of ? 'delivered' : 'sent';
  return { tick, readBy, of };
}
