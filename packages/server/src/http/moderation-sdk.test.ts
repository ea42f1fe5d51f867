/**
 * Moderation through the SDK, on SQLite and PostgreSQL: blocking and unblocking with
 * typed calls, a blocked send failing with BLOCKED (and not retried by the outbox), a
 * filtered send failing with CONTENT_REJECTED, a blocked user's typing not reaching the
 * SDK while an unblocked one's does, reporting, and a suspension ending the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConversationId, UserId } from '@parley/protocol';
import { ParleyClient } from '../../../client/src/client';
import type { WebSocketCtor } from '../../../client/src/connection';
import { ParleyError } from '../../../client/src/parley-error';
import type { Store } from '../store/port';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';
import { startTestServer, type TestNode } from '../testing';
import { testRateLimits, uniqueName, PASSWORD } from '../test-support/users';
import { textOf } from '@parley/protocol';

type Server = TestNode & { store: Store; close(): Promise<void> };

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof ParleyError ? e.code : String(e)));

function sdkSuite(backend: string, makeStore: () => Promise<{ store?: Store; cleanup: () => Promise<void> }>) {
  describe(`moderation through the SDK (${backend})`, () => {
    let server: Server;
    let cleanup: () => Promise<void>;
    const clients: ParleyClient[] = [];

    const client = async () => {
      const c = new ParleyClient({ baseUrl: server.url, WebSocket: WebSocket as unknown as WebSocketCtor });
      await c.register({ username: uniqueName('sdkmod'), password: PASSWORD });
      await c.connect();
      clients.push(c);
      return c;
    };
    const idOf = (c: ParleyClient) => c.user!.id as UserId;

    beforeAll(async () => {
      const made = await makeStore();
      cleanup = made.cleanup;
      server = await startTestServer({ ...(made.store ? { store: made.store } : {}), config: { rateLimits: testRateLimits(), contentFilter: { words: ['spam'], maxLinks: 5, blockedDomains: [], repeatMax: 3, repeatWindowSec: 60 } } });
    });
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await server.close();
      await cleanup();
    });

    it('blocks: sends fail with BLOCKED both ways, typing stops, unblock restores', async () => {
      const [alice, bob, carol] = [await client(), await client(), await client()];
      const direct = (await bob.request('createDirect', { body: { userId: idOf(alice) } })).conversation.id as ConversationId;
      const group = (await carol.request('createGroup', { body: { title: 'G', memberIds: [idOf(alice), idOf(bob)] } })).conversation.id as ConversationId;

      await alice.request('blockUser', { body: { userId: idOf(bob) } });
      expect((await alice.request('listBlocks')).blocks.map((b) => b.user.id)).toEqual([idOf(bob)]);
      expect(await codeOf(bob.send(direct, { kind: 'text', content: { body: 'hello?' } }).done)).toBe('BLOCKED');
      expect(await codeOf(alice.send(direct, { kind: 'text', content: { body: 'hello?' } }).done)).toBe('BLOCKED');
      expect(await codeOf(bob.request('createDirect', { body: { userId: idOf(alice) } }))).toBe('BLOCKED');

      // Typing: carol (control) hears bob; alice hears carol's later typing but never bob's.
      const aliceHeard: UserId[] = [];
      alice.on('typing', (t) => aliceHeard.push(t.userId));
      const carolHeardBob = new Promise<void>((resolve) => carol.on('typing', (t) => t.userId === idOf(bob) && resolve()));
      bob.typing(group, 'start');
      await carolHeardBob;
      const aliceHeardCarol = new Promise<void>((resolve) => alice.on('typing', (t) => t.userId === idOf(carol) && resolve()));
      carol.typing(group, 'start');
      await aliceHeardCarol;
      await new Promise((r) => setTimeout(r, 150));
      expect(aliceHeard).not.toContain(idOf(bob));

      await alice.request('unblockUser', { params: { userId: idOf(bob) } });
      const sent = await bob.send(direct, { kind: 'text', content: { body: 'friends again' } }).done;
      expect(textOf(sent)?.body).toBe('friends again');
    });

    it('content filter: a send fails with CONTENT_REJECTED, is not retried, and nothing is stored', async () => {
      const [alice, bob] = [await client(), await client()];
      const conv = (await alice.request('createDirect', { body: { userId: idOf(bob) } })).conversation.id as ConversationId;
      const before = (await alice.request('getConversation', { params: { id: conv } })).conversation.lastSeq;
      expect(await codeOf(alice.send(conv, { kind: 'text', content: { body: 'SPAM spam' } }).done)).toBe('CONTENT_REJECTED');
      expect((await alice.request('getConversation', { params: { id: conv } })).conversation.lastSeq).toBe(before);
      for (let i = 0; i < 3; i++) await alice.send(conv, { kind: 'text', content: { body: 'same thing' } }).done;
      expect(await codeOf(alice.send(conv, { kind: 'text', content: { body: 'same thing' } }).done)).toBe('CONTENT_REJECTED');
    });

    it('reports a message; a suspended user\'s session ends', async () => {
      const [alice, bob] = [await client(), await client()];
      const conv = (await alice.request('createDirect', { body: { userId: idOf(bob) } })).conversation.id as ConversationId;
      const m = await bob.send(conv, { kind: 'text', content: { body: 'something rude' } }).done;
      const { report } = await alice.request('reportMessage', { params: { id: conv, messageId: m.id }, body: { reason: 'rude' } });
      expect(report.messageId).toBe(m.id);
      expect(await codeOf(alice.request('adminListReports', { query: {} }))).toBe('ROUTE_NOT_FOUND');

      const admin = await client();
      await server.store.moderation.setRole(idOf(admin), 'admin');
      const reports = (await admin.request('adminListReports', { query: { limit: 200 } })).reports;
      expect(reports.find((r) => r.id === report.id)).toMatchObject({ reason: 'rude', message: { id: m.id } });
      const ended = new Promise<string>((resolve) => bob.on('sessionEnded', resolve));
      await admin.request('adminSuspendUser', { params: { userId: idOf(bob) } });
      expect(await ended).toBe('revoked');
    });
  });
}

sdkSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('moderation through the SDK (postgres)', reachable, () => {
  sdkSuite('postgres', postgresTestStore);
});
