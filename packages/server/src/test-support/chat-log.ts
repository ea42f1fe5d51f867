/**
 * For backup tests (SQLite and PostgreSQL): a conversation with a known log to back up, and
 * every body of it read back through history after a restore. Not a test file itself.
 */
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import type { SendInput, Store } from '../store/port';
import { bodyOf, textSend } from './text-content';

/** Two users and `count` messages between them, ids made from `prefix` (fixed ids: the restore must keep them). */
export async function seedChat(store: Store, prefix: string, count: number): Promise<{ conversationId: ConversationId; viewerId: UserId; inputs: SendInput[] }> {
  const now = Date.now();
  const a = await store.createUser({ id: `${prefix}a` as UserId, username: `${prefix}_ann`, displayName: 'Ann', passwordHash: 'x', createdAt: now });
  const b = await store.createUser({ id: `${prefix}b` as UserId, username: `${prefix}_ben`, displayName: 'Ben', passwordHash: 'x', createdAt: now });
  const { conversation } = await store.getOrCreateDirect({ id: `${prefix}c` as ConversationId, a: a.id, b: b.id, at: now });
  const inputs = Array.from({ length: count }, (_, i) => ({
    conversationId: conversation.id,
    senderId: i % 2 ? a.id : b.id,
    clientMessageId: `m${i}` as ClientMessageId,
    messageId: `id${i}` as MessageId,
    ...textSend(`message ${i}`),
    at: now + i,
  }));
  await store.appendMessages(inputs);
  return { conversationId: conversation.id, viewerId: a.id, inputs };
}

/** Every body of the conversation, oldest first, paging back through history. */
export async function allBodies(store: Store, conversationId: ConversationId, viewerId: UserId): Promise<string[]> {
  const seen: string[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.history({ conversationId, viewerId, limit: 100, ...(before ? { before } : {}) });
    seen.unshift(...page.messages.map((m) => bodyOf(m)));
    if (!page.hasMore) return seen;
    before = page.messages[0]!.seq;
  }
}
