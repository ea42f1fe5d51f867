import { randomBytes } from 'node:crypto';
import type { ConversationId, MessageId, UserId } from '@parley/protocol';

/**
 * Time-ordered ids (UUIDv7 layout, hex without dashes): they sort by creation time,
 * which keeps B-tree inserts at the right edge and gives lists a natural tiebreak.
 */
export function newId(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b.toString('hex');
}

export const newUserId = () => newId() as UserId;
export const newConversationId = () => newId() as ConversationId;
export const newMessageId = () => newId() as MessageId;
