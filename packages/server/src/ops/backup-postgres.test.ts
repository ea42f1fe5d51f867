import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClientMessageId, MessageId } from '@parley/protocol';
import { openPostgresStore } from '../store/postgres/postgres-store';
import { describeWithPostgres, postgresReachable, TEST_DATABASE_URL } from '../store/postgres/test-support';
import { backup, restore } from './backup';
import { allBodies, seedChat } from '../test-support/chat-log';
import { bodyOf } from '../test-support/text-content';

const reachable = await postgresReachable();
const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-pg-backup-'));
const names = ['src', 'dst'].map((n) => `parley_backup_${n}_${randomBytes(4).toString('hex')}`);
const urlOf = (db: string) => TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${db}`);
const admin = reachable ? postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} }) : null;

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
    const { conversationId, viewerId, inputs } = await seedChat(store, 'p', 150);
    const file = path.join(dir, 'parley.dump');
    await backup(src, file);
    await store.close();

    await restore(dst, file);
    const restored = await openPostgresStore({ url: dst });
    expect(await allBodies(restored, conversationId, viewerId)).toEqual(inputs.map((m) => bodyOf(m)));
    // The restored database keeps working: the log continues gaplessly.
    const [next] = await restored.appendMessages([{ ...inputs[0]!, clientMessageId: 'after' as ClientMessageId, messageId: 'after' as MessageId, kind: 'text', content: { body: 'after restore' } }]);
    expect(next).toMatchObject({ ok: true, message: { seq: inputs.length + 4 } });
    await restored.close();

    await expect(restore(dst, file)).rejects.toThrow(/--force/);
    await restore(dst, file, { force: true });
    const replaced = await openPostgresStore({ url: dst });
    expect(await allBodies(replaced, conversationId, viewerId)).toEqual(inputs.map((m) => bodyOf(m)));
    await replaced.close();
  });
});
