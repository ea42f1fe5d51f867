/**
 * Who sees a group's history, over HTTP and WebSocket on SQLite and PostgreSQL: the
 * setting (default 'joined', chosen at creation, changed by owner or admin through
 * PATCH /api/conversations/:id/settings), and what a member who joined later — or was
 * added again — reads: history, events, sync, the conversation list, search, the
 * received box, attachments, reports and the export.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestNode } from '../testing';
import { describeEachBackend } from '../test-support/backends';
import { call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };

describeEachBackend('history visibility', (backend) => {
  let server: Server;
  let o: TestUser, a: TestUser, j: TestUser, outsider: TestUser;
  let n = 0;

  beforeAll(async () => {
    server = await backend.startServer({ config: { rateLimits: testRateLimits() } });
    [o, a, j, outsider] = await registerUsers(server.url, 4, 'hist');
  });
  afterAll(() => server.close());

  const group = async (mode?: 'all' | 'joined', members: TestUser[] = [a]) => {
    const res = await o.api.post('/api/conversations/group', { title: 'History', memberIds: members.map((m) => m.id), ...(mode ? { historyVisibility: mode } : {}) });
    expect(res.status).toBe(201);
    return res.body.conversation as { id: string; historyVisibility: string; lastSeq: number; me: { visibleFromSeq: number } };
  };
  const send = async (who: TestUser, id: string, body: string, attachmentIds?: string[]) => {
    const res = await who.api.post(`/api/conversations/${id}/messages`, { clientMessageId: `h-${++n}`, ...(attachmentIds ? { attachmentIds } : {}), kind: 'text', content: { body } });
    expect(res.status).toBe(201);
    return res.body.message as { id: string; seq: number };
  };
  const add = async (id: string, who: TestUser) => expect((await o.api.post(`/api/conversations/${id}/members`, { userIds: [who.id] })).status).toBe(200);
  const remove = async (id: string, who: TestUser) => expect((await o.api.delete(`/api/conversations/${id}/members/${who.id}`)).status).toBe(204);
  const historyBodies = async (who: TestUser, id: string) => ((await who.api.get(`/api/conversations/${id}/messages`)).body.messages as { content: { body: string } | null }[]).map((m) => m.content?.body);
  const upload = async (who: TestUser, text: string) => {
    const res = await call(server.url, 'POST', `/api/attachments?name=notes-${++n}.txt`, { token: who.token, raw: Buffer.from(text), contentType: 'application/octet-stream' });
    expect(res.status).toBe(201);
    return res.body.attachment.id as string;
  };

  it("creates groups 'joined' by default or as asked; owner or admin change it for later joins", async () => {
    const byDefault = await group();
    expect(byDefault).toMatchObject({ historyVisibility: 'joined', me: { visibleFromSeq: 1 } });
    expect((await group('all')).historyVisibility).toBe('all');
    const direct = (await o.api.post('/api/conversations/direct', { userId: a.id })).body.conversation;
    expect(direct.historyVisibility).toBe('all');

    const path = `/api/conversations/${byDefault.id}/settings`;
    expect((await a.api.patch(path, { historyVisibility: 'all' })).body.code).toBe('FORBIDDEN');
    expect((await outsider.api.patch(path, { historyVisibility: 'all' })).status).toBe(404);
    expect((await o.api.patch(path, { historyVisibility: 'everything' })).body.code).toBe('BAD_REQUEST');
    expect((await o.api.patch(path, {})).body.code).toBe('BAD_REQUEST');
    expect((await o.api.patch(`/api/conversations/${direct.id}/settings`, { historyVisibility: 'joined' })).body.code).toBe('FORBIDDEN');
    expect((await o.api.get(`/api/conversations/${byDefault.id}`)).body.conversation.lastSeq).toBe(byDefault.lastSeq);

    await o.api.patch(`/api/conversations/${byDefault.id}/members/${a.id}`, { role: 'admin' });
    const changed = await a.api.patch(path, { historyVisibility: 'all' });
    expect(changed.status).toBe(200);
    expect(changed.body.conversation.historyVisibility).toBe('all');
    const { events } = (await o.api.get(`/api/conversations/${byDefault.id}/events?after=0`)).body;
    expect(events.at(-1)).toMatchObject({ type: 'conversation.settings', actorId: a.id, historyVisibility: 'all' });
    // The value it has: nothing appended.
    const again = await o.api.patch(path, { historyVisibility: 'all' });
    expect(again.body.conversation.lastSeq).toBe(changed.body.conversation.lastSeq);
  });

  it("a member who joins a 'joined' group reads nothing from before, on any route", async () => {
    const g = await group('joined');
    const file = await upload(a, 'early file bytes');
    const early = await send(a, g.id, 'pre-join secret plan', [file]);
    await send(o, g.id, 'pre-join second note');
    await add(g.id, j);
    const view = (await j.api.get(`/api/conversations/${g.id}`)).body.conversation;
    const from = view.me.visibleFromSeq as number;
    expect(from).toBe(early.seq + 2);
    expect(view).toMatchObject({ lastMessage: null, unreadCount: 0, historyVisibility: 'joined' });
    const listed = (await j.api.get('/api/conversations')).body.conversations.find((c: { id: string }) => c.id === g.id);
    expect(listed).toMatchObject({ lastMessage: null, unreadCount: 0 });

    expect(await historyBodies(j, g.id)).toEqual([]);
    expect((await j.api.get(`/api/conversations/${g.id}/messages?after=0`)).body.messages).toEqual([]);
    const events = (await j.api.get(`/api/conversations/${g.id}/events?after=0`)).body.events as { seq: number; type: string; userId?: string }[];
    expect(events.map((e) => [e.seq, e.type, e.userId])).toEqual([[from, 'member.added', j.id]]);

    const synced = (await j.api.post('/api/sync', { conversations: [], userSeq: 0 })).body.conversations.find((c: { id: string }) => c.id === g.id);
    expect(synced).toMatchObject({ visibleFromSeq: from, lastSeq: from, hasMore: false });
    expect(synced.events.map((e: { seq: number }) => e.seq)).toEqual([from]);
    const sock = await RawSocket.connect(server.wsUrl, j.token);
    const overWs = await sock.ok('sync', { conversations: [{ id: g.id, seq: 0, receiptsVersion: 0 }], userSeq: 0 });
    expect(overWs.conversations.find((c: { id: string }) => c.id === g.id).events.map((e: { seq: number }) => e.seq)).toEqual([from]);
    await sock.close();

    const search = (who: TestUser) => who.api.get(`/api/search?q=${encodeURIComponent('secret plan')}`);
    expect((await search(j)).body.results).toEqual([]);
    expect((await search(a)).body.results.map((r: { message: { id: string } }) => r.message.id)).toEqual([early.id]);
    expect((await j.api.get('/api/messages/received')).body.messages.filter((m: { conversationId: string }) => m.conversationId === g.id)).toEqual([]);
    expect((await j.api.post(`/api/conversations/${g.id}/attachments/links`, { attachmentIds: [file] })).body.links).toEqual([]);
    expect((await j.api.get(`/api/conversations/${g.id}/attachments/${file}`)).status).toBe(404);
    expect((await j.api.post(`/api/conversations/${g.id}/messages/${early.id}/report`, { reason: 'spam' })).status).toBe(404);
    const exported = await call(server.url, 'GET', '/api/me/export', { token: j.token });
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain('pre-join');
    // Everyone else still reads it all, the file too.
    expect(await historyBodies(a, g.id)).toEqual(['pre-join secret plan', 'pre-join second note']);
    expect((await o.api.get(`/api/conversations/${g.id}/attachments/${file}`)).status).toBe(200);

    await send(a, g.id, 'after the join');
    expect(await historyBodies(j, g.id)).toEqual(['after the join']);
    expect((await j.api.get(`/api/conversations/${g.id}`)).body.conversation).toMatchObject({ lastMessage: { content: { body: 'after the join' } }, unreadCount: 1 });
  });

  it('a member who joins while a message waits for its notifications is not told of it', async () => {
    const g = await group('joined');
    await send(a, g.id, 'decided late');
    const { events } = (await o.api.get(`/api/conversations/${g.id}/events?after=0`)).body;
    const created = events.find((e: { type: string }) => e.type === 'message.created');
    await add(g.id, j);
    // The decider reads the audience after the commit: here, after j's join.
    server.app.services.notifications.committed([created]);
    await server.app.services.notifications.idle();
    const listed = (await j.api.get('/api/notifications')).body.notifications as { kind: string; conversationId: string }[];
    expect(listed.filter((x) => x.conversationId === g.id).map((x) => x.kind)).toEqual(['added']);
  });

  it("a member who joins an 'all' group reads everything, files included", async () => {
    const g = await group('all');
    const file = await upload(a, 'shared file bytes');
    await send(a, g.id, 'before, for everyone', [file]);
    await add(g.id, j);
    expect(await historyBodies(j, g.id)).toEqual(['before, for everyone']);
    expect((await j.api.get(`/api/conversations/${g.id}`)).body.conversation.me.visibleFromSeq).toBe(1);
    expect((await j.api.get(`/api/conversations/${g.id}/attachments/${file}`)).status).toBe(200);
    expect((await j.api.get(`/api/conversations/${g.id}/events?after=0`)).body.events[0]).toMatchObject({ seq: 1, type: 'conversation.created' });
  });

  it("added again: in 'joined' mode from the new join, in 'all' mode everything", async () => {
    for (const mode of ['joined', 'all'] as const) {
      const g = await group(mode, [a, j]);
      const file = await upload(j, `${mode}: my file`);
      await send(j, g.id, `${mode}: mine, first membership`, [file]);
      await remove(g.id, j);
      await send(a, g.id, `${mode}: while away`);
      await add(g.id, j);
      await send(a, g.id, `${mode}: welcome back`);
      expect(await historyBodies(j, g.id)).toEqual(
        mode === 'joined' ? [`${mode}: welcome back`] : [`${mode}: mine, first membership`, `${mode}: while away`, `${mode}: welcome back`],
      );
      // My own upload stays mine either way (as in my export).
      expect((await j.api.get(`/api/conversations/${g.id}/attachments/${file}`)).status).toBe(200);
    }
  });

  it('a setting changed later does not change what current members read', async () => {
    const g = await group('joined');
    await send(a, g.id, 'said before j');
    await add(g.id, j);
    await o.api.patch(`/api/conversations/${g.id}/settings`, { historyVisibility: 'all' });
    expect(await historyBodies(j, g.id)).toEqual([]);
    await add(g.id, outsider);
    expect(await historyBodies(outsider, g.id)).toEqual(['said before j']);
  });
});
