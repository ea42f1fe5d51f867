/**
 * The disk fills up under a SQLite node (a small tmpfs holds the database and the
 * attachment bytes). Writes fail with 503 UNAVAILABLE (retryable), nothing acknowledged
 * is lost, an upload leaves no partial file, the node stays up with /readyz 503, and once
 * space returns writes succeed again without a restart.
 *
 * Needs root and tmpfs (mount -t tmpfs); skipped, and says so, elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeSync, openSync, closeSync, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing';
import type { Store } from '../store/port';
import { openThreadedSqliteStore } from '../store/sqlite/threaded-store';
import { call } from '../test-support/http-client';
import { registerUser, testRateLimits } from '../test-support/users';

const MIN_FREE = 512 * 1024;

function mountTmpfs(): string | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

const mountPoint = mountTmpfs();
if (!mountPoint) console.warn('[parley tests] skipping disk-full: cannot mount a tmpfs here (needs root)');

/** Writes zeros until the file system refuses; returns the filler's path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return filler;
}

function tempFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tempFilesUnder(p));
    else if (name.startsWith('.tmp-')) out.push(p);
  }
  return out;
}

describe.skipIf(!mountPoint)(`disk full under a SQLite node${mountPoint ? '' : ' — SKIPPED: no tmpfs'}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let store: Store;
  const dir = mountPoint!;

  beforeAll(async () => {
    store = await openThreadedSqliteStore({ path: path.join(dir, 'parley.db'), minFreeBytes: MIN_FREE });
    server = await startTestServer({ store, config: { dataDir: path.join(dir, 'data'), rateLimits: testRateLimits({ send: { limit: 100_000, windowMs: 60_000 } }) } });
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
    if (mountPoint) {
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('refuses writes with 503 while full, loses nothing acknowledged, recovers when space returns', async () => {
    const alice = await registerUser(server.url, 'full');
    const bob = await registerUser(server.url, 'full');
    const conv = (await alice.api.post('/api/conversations/direct', { userId: bob.id })).body.conversation.id as string;
    const send = (clientMessageId: string) => alice.api.post(`/api/conversations/${conv}/messages`, { clientMessageId, kind: 'text', content: { body: `${clientMessageId} ${'x'.repeat(3000)}` } });
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      expect((await send(`before-${i}`)).status).toBe(201);
      acked.push(`before-${i}`);
    }
    expect((await call(server.url, 'GET', '/readyz')).status).toBe(200);

    const filler = fillDisk(dir);
    // A write may still fit in pages SQLite already holds; keep sending until one needs new space.
    let refused: { id: string; status: number; code: string } | null = null;
    for (let i = 0; i < 400 && !refused; i++) {
      const res = await send(`full-${i}`);
      if (res.status === 201) acked.push(`full-${i}`);
      else refused = { id: `full-${i}`, status: res.status, code: res.body.code };
    }
    expect(refused).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    const ready = await call(server.url, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe(false);
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
    // An upload on the full disk: 503, and no partial file is left behind.
    const upload = await call(server.url, 'POST', '/api/attachments?name=big.bin', { token: alice.token, raw: Buffer.alloc(256 * 1024, 7), contentType: 'application/octet-stream' });
    expect(upload.status).toBe(503);
    expect(upload.body.code).toBe('UNAVAILABLE');
    expect(tempFilesUnder(path.join(dir, 'data'))).toEqual([]);

    unlinkSync(filler);
    expect((await call(server.url, 'GET', '/readyz')).status).toBe(200);
    // The refused send, retried as the SDK does, is stored now; so is a new one.
    expect((await send(refused!.id)).status).toBe(201);
    expect((await send('after')).status).toBe(201);
    const uploaded = await call(server.url, 'POST', '/api/attachments?name=small.bin', { token: alice.token, raw: Buffer.alloc(1024, 7), contentType: 'application/octet-stream' });
    expect(uploaded.status).toBe(201);

    const history = await alice.api.get(`/api/conversations/${conv}/messages?after=0&limit=200`);
    const stored = (history.body.messages as { content: { body: string } }[]).map((m) => m.content.body.split(' ')[0]!);
    expect(stored).toEqual([...acked, refused!.id, 'after']);
  });
});
