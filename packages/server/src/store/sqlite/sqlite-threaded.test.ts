/**
 * Every storage contract, run against the threaded SQLite store (the one a file
 * database gets): writes on the writer thread, reads on the query-only main connection.
 * A write method missing from WRITE_METHODS fails here with UNAVAILABLE (query_only).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storeContract, type StoreFactory } from '../contract';
import { attachmentsContract } from '../attachments-contract';
import { moderationContract } from '../moderation-contract';
import { notificationsContract } from '../notifications-contract';
import { privacyContract } from '../privacy-contract';
import { searchContract } from '../search-contract';
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import { newId } from '../../domain/ids';
import { StoreError, type NewUser, type SendInput } from '../port';
import { openThreadedSqliteStore, WRITER } from './threaded-store';
import { textSend } from '../../test-support/text-content';

const threaded: StoreFactory = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-threaded-'));
  const store = await openThreadedSqliteStore({ path: join(dir, 'parley.db'), synchronous: 'NORMAL' });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

storeContract('sqlite (writer thread)', threaded);
attachmentsContract('sqlite (writer thread)', threaded);
moderationContract('sqlite (writer thread)', threaded);
notificationsContract('sqlite (writer thread)', threaded);
privacyContract('sqlite (writer thread)', threaded);
searchContract('sqlite (writer thread)', threaded);

const newUser = (name: string, createdAt = 1): NewUser => ({ id: `id-${name}` as UserId, username: name, displayName: name, passwordHash: 'x', createdAt });

describe('threaded SQLite store', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('brings store errors back as StoreErrors with their code', async () => {
    const { store, cleanup } = await threaded();
    cleanups.push(cleanup);
    const user = newUser('ada');
    await store.createUser(user);
    const err = await store.createUser({ ...user, id: 'other' as UserId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('CONFLICT');
  });

  it('fails calls with UNAVAILABLE after close, and pings fail', async () => {
    const { store, cleanup } = await threaded();
    cleanups.push(cleanup);
    await store.ping();
    await store.close();
    const err = await store.createUser(newUser('bob')).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('UNAVAILABLE');
    await expect(store.ping()).rejects.toBeInstanceOf(StoreError);
  });

  it('starts a writer that died again; calls fail UNAVAILABLE meanwhile', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-threaded-'));
    const store = await openThreadedSqliteStore({ path: join(dir, 'parley.db'), synchronous: 'NORMAL' });
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await store.createUser(newUser('before'));
    await store[WRITER]().kill();
    const during = await store.createUser(newUser('during')).catch((e: unknown) => e);
    expect((during as StoreError).code).toBe('UNAVAILABLE');
    await expect(store.ping()).rejects.toBeInstanceOf(StoreError);
    // A cap, not a measure: the restart loads the writer's TypeScript in a fresh thread.
    await expect.poll(() => store.ping().then(() => true, () => false), { timeout: 60_000 }).toBe(true);
    await store.createUser(newUser('after'));
    expect((await store.getUser('id-after' as UserId))?.username).toBe('after');
    expect((await store.getUser('id-before' as UserId))?.username).toBe('before');
  });

  // Each writer start loads the writer's TypeScript in a fresh thread: seconds apiece on a
  // loaded machine, so the deadlines below are caps, generous on purpose.
  it('logs the writer dying, each failed restart and its recovery', { timeout: 120_000 }, async () => {
    const base = mkdtempSync(join(tmpdir(), 'parley-threaded-'));
    const dir = join(base, 'db');
    const away = join(base, 'away');
    mkdirSync(dir);
    const lines: Record<string, unknown>[] = [];
    // The directory moves as each step is logged, before the store plans its next one: it
    // goes when the writer dies, so the first restart cannot open the file, and comes back
    // when that failure is reported, so the second restart (after its back-off) can. A
    // test moving it on its own schedule could miss the first restart or the second.
    const log = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.msg === 'storage writer died; writes fail UNAVAILABLE until it is restarted') renameSync(dir, away);
          if (entry.msg === 'storage writer restart failed' && entry.attempt === 1) renameSync(away, dir);
        },
      },
    );
    const store = await openThreadedSqliteStore({ path: join(dir, 'parley.db'), synchronous: 'NORMAL', log });
    cleanups.push(async () => {
      await store.close();
      rmSync(base, { recursive: true, force: true });
    });
    await store[WRITER]().kill();
    await expect.poll(() => lines.some((l) => l.level === 30), { timeout: 100_000 }).toBe(true);
    await store.ping();

    const [died, failed, recovered] = lines;
    expect(died).toMatchObject({ level: 50, exitCode: 1 });
    expect(failed).toMatchObject({ level: 40, attempt: 1, retryInMs: 500, err: expect.objectContaining({ message: expect.any(String) }) });
    expect(recovered).toMatchObject({ level: 30, attempts: 2 });
    expect(lines).toHaveLength(3);
  });

  it('refuses arguments that cannot reach the thread, and stays usable', async () => {
    const { store, cleanup } = await threaded();
    cleanups.push(cleanup);
    const bad = { ...newUser('fn'), displayName: (() => 'x') as unknown as string };
    await expect(store.createUser(bad)).rejects.toThrow(/could not be cloned/);
    await store.createUser(newUser('fine'));
    expect((await store.getUser('id-fine' as UserId))?.username).toBe('fine');
  });

  it('a read after a write sees it', async () => {
    const { store, cleanup } = await threaded();
    cleanups.push(cleanup);
    for (let i = 0; i < 20; i++) {
      await store.createUser(newUser(`reader${i}`, i));
      expect((await store.getUser(`id-reader${i}` as UserId))?.username).toBe(`reader${i}`);
    }
  });

  it('a write that fails among writes issued together undoes only itself', async () => {
    const { store, cleanup } = await threaded();
    cleanups.push(cleanup);
    await store.createUser(newUser('taken'));
    // Issued in one turn, they reach the writer thread together (one shared transaction).
    const outcomes = await Promise.allSettled([
      store.createUser(newUser('first')),
      store.createUser({ ...newUser('taken'), id: 'id-dup' as UserId }),
      store.createUser(newUser('second')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as StoreError).code).toBe('CONFLICT');
    expect((await store.getUser('id-first' as UserId))?.username).toBe('first');
    expect((await store.getUser('id-second' as UserId))?.username).toBe('second');
    expect(await store.getUser('id-dup' as UserId)).toBeNull();
  });
});

describe('background checkpoints (checkpointer.ts)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  /** About 1,000 pages of messages: far below the writer's own checkpoint at 10,000. */
  async function writeMessages(backgroundCheckpointMs: number): Promise<{ path: string; sizeBefore: number }> {
    const dir = mkdtempSync(join(tmpdir(), 'parley-checkpoint-'));
    const path = join(dir, 'parley.db');
    const store = await openThreadedSqliteStore({ path, synchronous: 'NORMAL', backgroundCheckpointMs });
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const [a, b] = [newUser('ann'), newUser('ben')];
    await store.createUser(a);
    await store.createUser(b);
    const { conversation } = await store.getOrCreateDirect({ id: newId() as ConversationId, a: a.id, b: b.id, at: 1 });
    const sizeBefore = statSync(path).size;
    for (let k = 0; k < 20; k++) {
      const batch: SendInput[] = Array.from({ length: 50 }, (_, i) => ({
        conversationId: conversation.id,
        senderId: i % 2 ? a.id : b.id,
        clientMessageId: `c-${k}-${i}` as ClientMessageId,
        messageId: newId() as MessageId,
        ...textSend(`${k}.${i} `.padEnd(1500, 'lorem ipsum dolor sit amet ')),
        at: 2 + k,
      }));
      expect((await store.appendMessages(batch)).every((r) => r.ok)).toBe(true);
    }
    return { path, sizeBefore };
  }

  it('copies committed pages into the database file while the writer goes on, long before its own checkpoint', async () => {
    const { path, sizeBefore } = await writeMessages(20);
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(sizeBefore + 1_000_000), { timeout: 10_000, interval: 20 });
  });

  it('without it the file stays as it was until the writer checkpoints', async () => {
    const { path, sizeBefore } = await writeMessages(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(statSync(path).size).toBe(sizeBefore);
  });
});

