/**
 * Privacy over HTTP on SQLite and PostgreSQL: my data export (mine only, streamed as a
 * download, rate limited), account erasure (tombstones for others, ownership handed
 * over, sessions and sockets end at once, the username freed), and retention run with
 * a moved clock (only old messages go; the log stays gapless for catch-up).
 */
import type { UserId } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE, DELETED_ACCOUNT, ExportArchiveSchema, type ConversationEvent } from '@parley/protocol';
import { ParleyClient } from '../../../client/src/client';
import type { WebSocketCtor } from '../../../client/src/connection';
import { startTestServer, type TestNode } from '../testing';
import type { Store } from '../store/port';
import { DAY_MS } from '../store/maintenance-port';
import { RawSocket } from '../test-support/ws-client';
import { call } from '../test-support/http-client';
import { movableClock, registerUser, registerUsers, testRateLimits, type TestUser } from '../test-support/users';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

type Factory = () => Promise<{ store?: Store; cleanup: () => Promise<void> }>;
type Server = TestNode & { store: Store };

function privacySuite(backend: string, factory: Factory) {
  describe(`privacy over HTTP (${backend})`, () => {
    const clock = movableClock(Date.now() - 120 * DAY_MS);
    let server: Server;
    let cleanup: () => Promise<void>;
    let n = 0;

    beforeAll(async () => {
      const made = await factory();
      cleanup = made.cleanup;
      server = await startTestServer({ config: { rateLimits: testRateLimits(), retentionDays: 30 }, clock: clock.now, ...(made.store ? { store: made.store } : {}) });
      // The start-up run is asynchronous; this one makes the clock's partitions exist now.
      await server.app.services.maintenance.runOnce();
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    const group = async (owner: TestUser, members: TestUser[], title = 'G') =>
      (await owner.api.post('/api/conversations/group', { title, memberIds: members.map((m) => m.id) })).body.conversation.id as string;
    const send = async (who: TestUser, conv: string, body: string) => {
      const res = await who.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: `p-${++n}`, kind: 'text', content: { body } });
      expect(res.status).toBe(201);
      return res.body.message as { id: string; seq: number; body: string };
    };
    /** A fresh access token after the clock moved past the old one's expiry. */
    const relogin = async (u: TestUser): Promise<TestUser> => {
      const res = await call(server.url, 'POST', '/api/auth/login', { json: { username: u.username, password: u.password } });
      expect(res.status).toBe(200);
      return { ...u, token: res.body.accessToken, api: u.api.as(res.body.accessToken) };
    };
    const events = async (who: TestUser, conv: string, after = 0) =>
      (await who.api.get(`/api/conversations/${conv}/events?after=${after}`)).body.events as ConversationEvent[];

    describe('export', () => {
      it('holds my profile, my conversations with their members, my messages and nothing of others', async () => {
        const [a, b, c] = await registerUsers(server.url, 3, 'exp');
        const shared = await group(a, [b], 'Shared');
        const left = await group(b, [a], 'Left');
        const foreign = await group(b, [c], 'Foreign');
        const mine = await send(a, shared, 'my words');
        await send(b, shared, 'words of b in my conversation');
        const mineInLeft = await send(a, left, 'said before leaving');
        await send(b, left, 'b after');
        await send(c, foreign, 'foreign secret');
        expect((await a.api.post(`/api/conversations/${left}/leave`)).status).toBe(204);
        expect((await a.api.post('/api/blocks', { userId: b.id })).status).toBeLessThan(300);
        await server.app.services.deps.store.notifications.savePushSubscription({ endpoint: `https://push.example/exp/${a.id}`, userId: a.id as UserId, p256dh: 'k', auth: 'secret-auth', createdAt: 1 });

        const res = await call(server.url, 'GET', '/api/me/export', { token: a.token });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-export-.*\.json"$/);
        const archive = ExportArchiveSchema.parse(res.body);
        expect(archive.profile).toMatchObject({ id: a.id, username: a.username });
        expect(archive.conversations.map((c) => c.id)).toEqual([shared]);
        expect(archive.conversations[0]!.members.map((m) => m.user.id).sort()).toEqual([a.id, b.id].sort());
        expect(archive.messages.map((m) => m.id).sort()).toEqual([mine.id, mineInLeft.id].sort());
        expect(archive.messages.every((m) => m.senderId === a.id)).toBe(true);
        const text = JSON.stringify(res.body);
        for (const absent of [foreign, 'foreign secret', 'words of b', 'b after', c.id, left.replace(/^/, '"conversations"')]) expect(text).not.toContain(absent);
        expect(archive.files).toEqual([]);
        expect(archive.blocks.map((x) => x.user.id)).toEqual([b.id]);
        expect(archive.pushSubscriptions).toEqual([{ endpoint: `https://push.example/exp/${a.id}`, createdAt: 1 }]);
        expect(text).not.toContain('secret-auth');
      });

      it('is rate limited per user (429 with Retry-After), before any byte is sent', async () => {
        const u = await registerUser(server.url, 'exprl');
        for (let i = 0; i < 3; i++) expect((await u.api.get('/api/me/export')).status).toBe(200);
        const refused = await u.api.get('/api/me/export');
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('RATE_LIMITED');
        expect((await u.api.get('/api/me/export', { token: 'x' })).status).toBe(401);
      });
    });

    describe('erasure', () => {
      it('refuses a wrong password and changes nothing', async () => {
        const u = await registerUser(server.url, 'erw');
        const res = await u.api.delete('/api/me', { json: { password: 'not the password' } });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
        expect((await u.api.get('/api/me')).status).toBe(200);
        for (const json of [{}, { password: '' }, { password: 'x', extra: 1 }]) {
          expect((await u.api.delete('/api/me', { json })).body.code).toBe('BAD_REQUEST');
        }
        expect((await u.api.get('/api/me')).status).toBe(200);
      });

      it('leaves tombstones, hands ownership over, ends every session and socket, frees the username', async () => {
        const [a, b, c] = await registerUsers(server.url, 3, 'era');
        const g = await group(a, [b, c], 'Owned');
        const direct = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id as string;
        const m1 = await send(a, g, 'personal text one');
        const m2 = await send(a, direct, 'personal text two');
        await a.api.patch(`/api/conversations/${g}/messages/${m1.id}`, { kind: 'text', content: { body: 'personal text edited' } });
        const kept = await send(b, g, 'b stays');
        const headBefore = (await events(b, g)).at(-1)!.seq;
        const sock = await RawSocket.connect(server.wsUrl, a.token);
        const watcher = await RawSocket.connect(server.wsUrl, b.token);
        const mark = watcher.mark();
        const store = server.app.services.deps.store;
        await store.notifications.savePushSubscription({ endpoint: `https://push.example/${a.id}`, userId: a.id as UserId, p256dh: 'k', auth: 'a', createdAt: Date.now() });

        expect((await a.api.delete('/api/me', { json: { password: a.password } })).status).toBe(204);
        expect(await store.notifications.pushSubscriptionsOf([a.id as UserId])).toEqual([]);

        expect((await sock.closed).code).toBe(CLOSE.SESSION_REVOKED);
        expect((await a.api.get('/api/me')).status).toBe(401);
        expect((await call(server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: a.refreshToken } })).status).toBe(401);
        expect((await call(server.url, 'POST', '/api/auth/login', { json: { username: a.username, password: a.password } })).body.code).toBe('INVALID_CREDENTIALS');

        // Others: the sender is a deleted account, the messages are tombstones.
        const profile = (await b.api.get(`/api/users/${a.id}`)).body.user;
        expect(profile).toMatchObject({ id: a.id, displayName: DELETED_ACCOUNT.displayName, avatarUrl: null });
        expect(profile.username.startsWith(DELETED_ACCOUNT.usernamePrefix)).toBe(true);
        const history = (await b.api.get(`/api/conversations/${g}/messages`)).body.messages as { id: string; content: { body: string; title: string | null } | null; deletedAt: number | null; senderId: string }[];
        expect(history.find((m) => m.id === m1.id)).toMatchObject({ senderId: a.id, content: null });
        expect(history.find((m) => m.id === m1.id)!.deletedAt).not.toBeNull();
        expect(history.find((m) => m.id === kept.id)!.content?.body).toBe('b stays');
        expect((await b.api.get(`/api/conversations/${direct}/messages`)).body.messages[0]).toMatchObject({ id: m2.id, content: null });

        // The log: the text is gone from old entries; new entries tell what happened, gaplessly.
        const log = await events(b, g);
        expect(JSON.stringify(log)).not.toContain('personal text');
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
        const appended = log.filter((e) => e.seq > headBefore);
        expect(appended.map((e) => e.type)).toEqual(['message.deleted', 'member.left', 'member.role']);
        expect(appended[2]).toMatchObject({ type: 'member.role', userId: b.id, role: 'owner' });
        expect(JSON.stringify(await events(b, direct))).not.toContain('personal text');
        const pushed = await watcher.waitFrame((f) => f.type === 'event' && (f as { event: ConversationEvent }).event.type === 'member.left', mark);
        expect(pushed).toBeDefined();
        await watcher.close();

        const view = (await c.api.get(`/api/conversations/${g}`)).body.conversation;
        expect(view.members.map((m: { user: { id: string } }) => m.user.id).sort()).toEqual([b.id, c.id].sort());
        expect(view.members.find((m: { user: { id: string } }) => m.user.id === b.id).role).toBe('owner');
        expect((await b.api.get(`/api/search?q=${encodeURIComponent('personal')}`)).body.results).toEqual([]);
        expect((await b.api.get(`/api/users?prefix=${a.username.slice(0, 5)}`)).body.users.map((u: { id: string }) => u.id)).not.toContain(a.id);

        // The username is free again, for a brand-new account.
        const again = await call(server.url, 'POST', '/api/auth/register', { json: { username: a.username, password: 'another password' } });
        expect(again.status).toBe(201);
        expect(again.body.user.id).not.toBe(a.id);
      });

      it('lists my files in the export with a download path, and deletes them with the account', async () => {
        const [a, b] = await registerUsers(server.url, 2, 'erf');
        const g = await group(a, [b]);
        const up = await call(server.url, 'POST', `/api/attachments?name=${encodeURIComponent('notes.txt')}`, { token: a.token, raw: 'my private notes', contentType: 'application/octet-stream' });
        expect(up.status).toBe(201);
        const fileId = up.body.attachment.id as string;
        const sent = await a.api.post(`/api/conversations/${g}/messages`, { clientMessageId: `p-${++n}`, attachmentIds: [fileId], kind: 'text', content: { body: 'attached' } });
        expect(sent.status).toBe(201);
        const archive = ExportArchiveSchema.parse((await a.api.get('/api/me/export')).body);
        expect(archive.files).toEqual([expect.objectContaining({ id: fileId, name: 'notes.txt', conversationId: g, downloadPath: `/api/conversations/${g}/attachments/${fileId}` })]);
        const path = archive.files[0]!.downloadPath!;
        expect((await b.api.get(path)).status).toBe(200);

        expect((await a.api.delete('/api/me', { json: { password: a.password } })).status).toBe(204);
        expect((await b.api.get(path)).status).toBe(404);
        expect(await server.store.attachments.get(fileId as never)).toBeNull();
      });

      it('ends an SDK session as revoked', async () => {
        const u = await registerUser(server.url, 'erasdk');
        const sdk = new ParleyClient({ baseUrl: server.url, WebSocket: WebSocket as unknown as WebSocketCtor });
        await sdk.login({ username: u.username, password: u.password });
        await sdk.connect();
        const ended = new Promise<string>((resolve) => sdk.on('sessionEnded', resolve));
        await sdk.request('eraseAccount', { body: { password: u.password } });
        expect(await ended).toBe('revoked');
        sdk.disconnect();
      });
    });

    describe('retention', () => {
      it('deletes only messages older than the retention, keeping the log gapless for catch-up', async () => {
        let [a, b] = await registerUsers(server.url, 2, 'ret');
        const conv = await group(a, [b]);
        const ancient = await send(a, conv, 'ancient words');
        await a.api.patch(`/api/conversations/${conv}/messages/${ancient.id}`, { kind: 'text', content: { body: 'ancient edited words' } });
        clock.advance(60 * DAY_MS);
        [a, b] = [await relogin(a), await relogin(b)];
        const old = await send(b, conv, 'old words');
        clock.advance(29 * DAY_MS);
        [a, b] = [await relogin(a), await relogin(b)];
        const recent = await send(a, conv, 'recent words');
        clock.advance(2 * DAY_MS);
        [a, b] = [await relogin(a), await relogin(b)];
        // now: ancient is 91 days old, old 31, recent 2.

        const report = await server.app.services.maintenance.runOnce();
        expect(report.deletedMessages).toBeGreaterThanOrEqual(2);
        // PostgreSQL drops the whole expired month and deletes the boundary month row by row.
        if (backend === 'postgres') expect(report.droppedPartitions.length).toBeGreaterThan(0);
        const history = (await b.api.get(`/api/conversations/${conv}/messages`)).body.messages as { id: string }[];
        expect(history.map((m) => m.id)).toEqual([recent.id]);
        expect((await b.api.get('/api/search?q=words')).body.results.map((r: { message: { id: string } }) => r.message.id)).toEqual([recent.id]);

        // Catch-up from seq 1 still gets every seq, and learns the old messages are gone.
        const log = await events(b, conv, 1);
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 2));
        expect(JSON.stringify(log)).not.toMatch(/ancient|old words/);
        const gone = log.filter((e) => e.type === 'message.deleted').map((e) => (e as { messageId: string }).messageId);
        expect(gone).toEqual(expect.arrayContaining([ancient.id, old.id]));
        const synced = await b.api.post('/api/sync', { conversations: [{ id: conv, seq: 1, receiptsVersion: 0 }], userSeq: 0, unknown: 'events' });
        expect(synced.status).toBe(200);
        const entry = synced.body.conversations.find((c: { id: string }) => c.id === conv);
        expect(entry.events.map((e: ConversationEvent) => e.seq)).toEqual(log.map((e) => e.seq));

        // A second run has nothing left to do.
        expect((await server.app.services.maintenance.runOnce()).deletedMessages).toBe(0);
      });
    });
  });
}

privacySuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('privacy over HTTP (postgres)', reachable, () => {
  privacySuite('postgres', postgresTestStore);
});
