import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import { openPostgresStore } from '../store/postgres/postgres-store';
import { describeWithPostgres, postgresReachable, TEST_DATABASE_URL } from '../store/postgres/test-support';
import type { Store } from '../store/port';
import { backup, restore } from './backup';

const reachable = await postgresReachable();
const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-pg-backup-'));
const names = ['src', 'dst'].map((n) => `parley_backup_${n}_${randomBytes(4).toString('hex')}`);
const urlOf = (db: string) => TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${db}`);
const admin = reachable ? postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} }) : null;

async function allBodies(store: Store, conversationId: ConversationId, viewerId: UserId): Promise<string[]> {
  const seen: string[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.history({ conversationId, viewerId, limit: 100, ...(before ? { before } : {}) });
    seen.unshift(...page.messages.map((m) => m.body));
    if (!page.hasMore) return seen;
    before = page.messages[0]!.seq;
  }
}

describeWithPostgres('PostgreSQL backup and restore (pg_dump / pg_restore)', reachable, () => {
  beforeAll(async () => {
    for (const n of names) await admin!.unsafe(`CREATE DATABASE ${n}`);
  });
  afterAll(async () => {
    for (const n of names) await admin!.unsafe(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
    await admin!.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a backup into a fresh database with every message, and replaces a non-empty one only with --force', async () => {
    const [src, dst] = names.map(urlOf) as [string, string];
    const store = await openPostgresStore({ url: src });
    const now = Date.now();
    const a = await store.createUser({ id: 'pa' as UserId, username: 'pg_ann', displayName: 'Ann', passwordHash: 'x', createdAt: now });
    const b = await store.createUser({ id: 'pb' as UserId, username: 'pg_ben', displayName: 'Ben', passwordHash: 'x', createdAt: now });
    const { conversation } = await store.getOrCreateDirect({ id: 'pc' as ConversationId, a: a.id, b: b.id, at: now });
    const inputs = Array.from({ length: 150 }, (_, i) => ({
      conversationId: conversation.id,
      senderId: i % 2 ? a.id : b.id,
      clientMessageId: `m${i}` as ClientMessageId,
      messageId: `id${i}` as MessageId,
      title: null,
      body: `message ${i}`,
      at: now + i,
    }));
    await store.appendMessages(inputs);
    const file = path.join(dir, 'parley.dump');
    await backup(src, file);
    await store.close();

    await restore(dst, file);
    const restored = await openPostgresStore({ url: dst });
    expect(await allBodies(restored, conversation.id, a.id)).toEqual(inputs.map((m) => m.body));
    // The restored database keeps working: the log continues gaplessly.
    const [next] = await restored.appendMessages([{ ...inputs[0]!, clientMessageId: 'after' as ClientMessageId, messageId: 'after' as MessageId, body: 'after restore' }]);
    expect(next).toMatchObject({ ok: true, message: { seq: inputs.length + 4 } });
    await restored.close();

    await expect(restore(dst, file)).rejects.toThrow(/--force/);
    await restore(dst, file, { force: true });
    const replaced = await openPostgresStore({ url: dst });
    expect(await allBodies(replaced, conversation.id, a.id)).toEqual(inputs.map((m) => m.body));
    await replaced.close();
  });
});
