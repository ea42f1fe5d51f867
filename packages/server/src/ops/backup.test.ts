import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { backup, restore } from './backup';
import { allBodies, seedChat } from '../test-support/chat-log';
import { bodyOf } from '../test-support/text-content';

const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite backup and restore', () => {
  it('restores a backup taken while the store is open into a fresh database with every message', async () => {
    const live = path.join(dir, 'live.db');
    const store = openSqliteStore({ path: live });
    const { conversationId, viewerId, inputs } = await seedChat(store, 'sq', 250);

    const file = path.join(dir, 'backup.db');
    await backup(live, file); // the store is still open: an online backup
    await store.close();

    const fresh = path.join(dir, 'restored', 'parley.db');
    await restore(fresh, file);
    await expect(restore(fresh, file)).rejects.toThrow(/--force/); // never overwrites by accident
    const restored = openSqliteStore({ path: fresh });
    expect(await allBodies(restored, conversationId, viewerId)).toEqual(inputs.map((m) => bodyOf(m)));
    await restored.close();
  });
});
