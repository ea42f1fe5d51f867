import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { backup, restore } from './backup';

const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite backup and restore', () => {
  it('restores a backup taken while the store is open into a fresh database with every message', async () => {
    const live = path.join(dir, 'live.db');
    const store = openSqliteStore({ path: live });
    const now = Date.now();
    const a = await store.createUser({ id: 'ua' as UserId, username: 'ann', displayName: 'Ann', passwordHash: 'x', createdAt: now });
    const b = await store.createUser({ id: 'ub' as UserId, username: 'ben', displayName: 'Ben', passwordHash: 'x', createdAt: now });
    const { conversation } = await store.getOrCreateDirect({ id: 'c1' as ConversationId, a: a.id, b: b.id, at: now });
    const inputs = Array.from({ length: 250 }, (_, i) => ({
      conversationId: conversation.id,
      senderId: i % 2 ? a.id : b.id,
      clientMessageId: `m${i}` as ClientMessageId,
      messageId: `id${i}` as MessageId,
      title: null,
      body: `message ${i}`,
      at: now + i,
    }));
    await store.appendMessages(inputs);

    const file = path.join(dir, 'backup.db');
    await backup(live, file); // the store is still open: an online backup
    await store.close();

    const fresh = path.join(dir, 'restored', 'parley.db');
    await restore(fresh, file);
    await expect(restore(fresh, file)).rejects.toThrow(/--force/); // never overwrites by accident
    const restored = openSqliteStore({ path: fresh });
    const seen: string[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await restored.history({ conversationId: conversation.id, viewerId: a.id, limit: 100, ...(before ? { before } : {}) });
      seen.unshift(...page.messages.map((m) => m.body));
      if (!page.hasMore) break;
      before = page.messages[0]!.seq;
    }
    expect(seen).toEqual(inputs.map((m) => m.body));
    await restored.close();
  });
});
