import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import { storeContract } from '../contract';
import { StoreError } from '../port';
import { listAppliedMigrations, migrateSqlite, openSqliteStore, SQLITE_MIGRATIONS } from './index';
import { textSend } from '../../test-support/text-content';

storeContract('sqlite', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describe('SQLite adapter specifics', () => {
  const dirs: string[] = [];
  const tempPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
    dirs.push(dir);
    return join(dir, 'parley.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('puts a file database in WAL mode', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path, synchronous: 'NORMAL' });
    await store.close();
    // journal_mode is persistent in the file; read it back from a fresh connection.
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies every migration once; re-opening is a no-op', async () => {
    const path = tempPath();
    await openSqliteStore({ path }).close();
    await openSqliteStore({ path }).close();
    const db = new Database(path);
    const all = SQLITE_MIGRATIONS.map((m) => m.version);
    expect(listAppliedMigrations(db)).toEqual(all);
    expect(migrateSqlite(db)).toEqual([]);
    expect(listAppliedMigrations(db)).toEqual(all);
    db.close();
  });

  it('keeps data across close and re-open of a file database', async () => {
    const path = tempPath();
    const first = openSqliteStore({ path });
    const a = await first.createUser({ id: 'ua' as UserId, username: 'ua', displayName: 'A', passwordHash: 'h', createdAt: 1 });
    const b = await first.createUser({ id: 'ub' as UserId, username: 'ub', displayName: 'B', passwordHash: 'h', createdAt: 1 });
    const { conversation } = await first.getOrCreateDirect({ id: 'c1' as ConversationId, a: a.id, b: b.id, at: 2 });
    const [sent] = await first.appendMessages([
      { conversationId: conversation.id, senderId: a.id, clientMessageId: 'k1' as ClientMessageId, messageId: 'm1' as MessageId, ...textSend('kept', null), at: 3 },
    ]);
    await first.close();
    await expect(first.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });

    const second = openSqliteStore({ path });
    expect(await second.getUser(a.id)).toEqual(a);
    expect(await second.getConversation(conversation.id)).toMatchObject({ lastSeq: 4 });
    const history = await second.history({ conversationId: conversation.id, viewerId: b.id, limit: 10 });
    expect(history.messages).toEqual([sent!.ok ? sent!.message : null]);
    await second.close();
  });

  it('reports a closed store as UNAVAILABLE, never a driver error', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.close();
    const err = await store.getUser('x' as UserId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('UNAVAILABLE');
  });

  it('reports a database that cannot be opened as UNAVAILABLE', () => {
    let err: unknown;
    try {
      openSqliteStore({ path: join(tempPath(), 'missing-dir', 'x.db') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('UNAVAILABLE');
  });

  it('translates driver errors into port codes without SQL text', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const token = { id: 't1', userId: 'nobody' as UserId, familyId: 'f', tokenHash: 'h', expiresAt: 9, usedAt: null, revokedAt: null, createdAt: 1 };
    const err = await store.insertRefreshToken(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('NOT_FOUND');
    expect((err as StoreError).message).not.toMatch(/INSERT|refresh_tokens|FOREIGN/i);
    await store.close();
  });

  it('counts unread messages through the (conversation_id, seq) index', () => {
    const db = new Database(':memory:');
    migrateSqlite(db);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT count(*) FROM messages m WHERE m.conversation_id = ? AND m.seq > ? AND m.sender_id <> ? AND m.deleted_at IS NULL`,
      )
      .all('c', 0, 'u') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX messages_history \(conversation_id=\? AND seq>\?\)/);
    db.close();
  });
});
