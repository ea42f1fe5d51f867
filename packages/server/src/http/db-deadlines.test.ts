/**
 * A database that holds a send (another session keeps a lock) answers 503 UNAVAILABLE
 * within the deadline instead of holding the request for 15–20 s; nothing is
 * acknowledged; once the lock is released the send succeeds, and a retry with the same
 * clientMessageId is stored exactly once (issue 16.4). On both backends: PostgreSQL
 * with a table lock (lock_timeout), SQLite with a write lock held by another connection
 * on the file (a writer thread that waits: the request deadline answers for it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing';
import type { Store } from '../store/port';
import { openThreadedSqliteStore } from '../store/sqlite/threaded-store';
import { openPostgresStore } from '../store/postgres/postgres-store';
import { dropSchema, freshSchemaName, postgresReachable, TEST_DATABASE_URL } from '../store/postgres/test-support';
import { registerUser, testRateLimits } from '../test-support/users';

interface Backend {
  name: string;
  open(): Promise<Store>;
  /** Holds what a send needs until the returned release() is called. */
  hold(): Promise<() => Promise<void>>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-deadline-'));
  const file = path.join(dir, 'parley.db');
  return {
    name: 'SQLite file',
    // The writer waits for the lock far longer than any request may.
    open: () => openThreadedSqliteStore({ path: file, busyTimeoutMs: 60_000 }),
    async hold() {
      const other = new Database(file);
      other.pragma('busy_timeout = 5000');
      other.exec('BEGIN IMMEDIATE');
      return async () => {
        other.exec('ROLLBACK');
        other.close();
      };
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  const schema = freshSchemaName('parley_deadline');
  return {
    name: 'PostgreSQL',
    open: () => openPostgresStore({ url: TEST_DATABASE_URL, schema, max: 4, timeouts: { statementMs: 1500, lockMs: 500, idleInTransactionMs: 5000 } }),
    async hold() {
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
      const conn = await sql.reserve();
      await conn`BEGIN`;
      await conn`LOCK TABLE messages IN ACCESS EXCLUSIVE MODE`;
      return async () => {
        await conn`ROLLBACK`;
        conn.release();
        await sql.end({ timeout: 1 });
      };
    },
    cleanup: () => dropSchema(schema),
  };
}

const pgReachable = await postgresReachable();
const backends: [Backend, boolean][] = [
  [sqliteBackend(), true],
  [postgresBackend(), pgReachable || process.env.PARLEY_REQUIRE_SERVICES === '1'],
];

for (const [backend, runs] of backends) {
  describe.skipIf(!runs)(`storage deadlines: ${backend.name}${runs ? '' : ' — SKIPPED: PostgreSQL unreachable'}`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let store: Store;

    beforeAll(async () => {
      store = await backend.open();
      server = await startTestServer({ store, config: { dbTimeoutMs: 1500, rateLimits: testRateLimits() } });
    });

    afterAll(async () => {
      await server?.close();
      await store?.close();
      await backend.cleanup();
    });

    /** POST a send; fails the test if no answer comes within 10 s (the old code held it 15–20 s). */
    async function send(token: string, conversationId: string, clientMessageId: string) {
      const res = await fetch(`${server.url}/api/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId, kind: 'text', content: { body: `held ${clientMessageId}` } }),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as { code?: string; retryable?: boolean; message?: { id: string; seq: number } } };
    }

    it('a send held by a lock answers 503 UNAVAILABLE quickly, is stored once after the release', async () => {
      const alice = await registerUser(server.url, 'dl');
      const bob = await registerUser(server.url, 'dl');
      const direct = await alice.api.post('/api/conversations/direct', { userId: bob.id });
      const conversationId = direct.body.conversation.id as string;
      expect((await send(alice.token, conversationId, 'before')).status).toBe(201);

      const release = await backend.hold();
      let held: Awaited<ReturnType<typeof send>>;
      try {
        held = await send(alice.token, conversationId, 'during');
      } finally {
        await release();
      }
      expect(held.status).toBe(503);
      expect(held.body.code).toBe('UNAVAILABLE');

      // The retry (as the SDK's outbox makes it) succeeds, whether or not the held write
      // landed after its caller was answered, and the message is there once.
      const retried = await send(alice.token, conversationId, 'during');
      expect([200, 201]).toContain(retried.status);
      const history = await alice.api.get(`/api/conversations/${conversationId}/messages?after=0&limit=50`);
      const bodies = (history.body.messages as { content: { body: string } }[]).map((m) => m.content.body);
      expect(bodies.filter((b) => b === 'held during')).toHaveLength(1);
      expect(bodies).toContain('held before');
    });
  });
}
