/**
 * Conversations over raw HTTP: direct conversations (one per pair), groups and their
 * roles, membership changes and permission errors, the members-per-group limit, and
 * "members only": for a non-member a conversation does not exist on any route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from '../testing';
import { describeEachBackend } from '../test-support/backends';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };

const roleOf = (conversation: { members: { user: { id: string }; role: string }[] }, id: string) =>
  conversation.members.find((m) => m.user.id === id)?.role;

describeEachBackend('conversations', (backend) => {
  let server: Server;
  let a: TestUser, b: TestUser, c: TestUser, d: TestUser, outsider: TestUser;

  beforeAll(async () => {
    server = await backend.startServer({ config: { rateLimits: testRateLimits() } });
    [a, b, c, d, outsider] = await registerUsers(server.url, 5, 'conv');
  });
  afterAll(() => server.close());

  const group = async (owner: TestUser, members: TestUser[], title = 'Group') => {
    const res = await owner.api.post('/api/conversations/group', { title, memberIds: members.map((m) => m.id) });
    expect(res.status).toBe(201);
    return res.body.conversation as { id: string; lastSeq: number; members: { user: { id: string }; role: string }[] };
  };
  const lastSeq = async (who: TestUser, id: string) => (await who.api.get(`/api/conversations/${id}`)).body.conversation.lastSeq as number;

  describe('direct', () => {
    it('is created once per pair: 201, then 200 with the same id from either side', async () => {
      const first = await a.api.post('/api/conversations/direct', { userId: b.id });
      expect(first.status).toBe(201);
      const conv = first.body.conversation;
      expect(conv).toMatchObject({ kind: 'direct', title: null, me: { role: 'member', archived: false } });
      expect(conv.members.map((m: { user: { id: string } }) => m.user.id).sort()).toEqual([a.id, b.id].sort());

      const again = await a.api.post('/api/conversations/direct', { userId: b.id });
      expect(again.status).toBe(200);
      expect(again.body.conversation.id).toBe(conv.id);
      const reverse = await b.api.post('/api/conversations/direct', { userId: a.id });
      expect(reverse.status).toBe(200);
      expect(reverse.body.conversation.id).toBe(conv.id);
      // Opening it again appended nothing.
      expect(reverse.body.conversation.lastSeq).toBe(conv.lastSeq);
    });

    it('needs another, existing user', async () => {
      const unknown = await a.api.post('/api/conversations/direct', { userId: 'no-such-user' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('USER_NOT_FOUND');
      const self = await a.api.post('/api/conversations/direct', { userId: a.id });
      expect(self.status).toBe(409);
      expect(self.body.code).toBe('CONFLICT');
    });

    it('cannot be renamed, grown, left or have members removed', async () => {
      const conv = (await a.api.post('/api/conversations/direct', { userId: c.id })).body.conversation;
      const before = await lastSeq(a, conv.id);
      const tries = [
        await a.api.patch(`/api/conversations/${conv.id}`, { title: 'x' }),
        await a.api.post(`/api/conversations/${conv.id}/members`, { userIds: [d.id] }),
        await a.api.post(`/api/conversations/${conv.id}/leave`),
        await a.api.delete(`/api/conversations/${conv.id}/members/${c.id}`),
        await a.api.patch(`/api/conversations/${conv.id}/members/${c.id}`, { role: 'admin' }),
      ];
      for (const res of tries) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
      expect(await lastSeq(a, conv.id)).toBe(before);
    });
  });

  describe('groups', () => {
    it('the creator is owner and the others members; events number the changes', async () => {
      const g = await group(a, [b, c], 'Study group');
      expect(roleOf(g, a.id)).toBe('owner');
      expect(roleOf(g, b.id)).toBe('member');
      expect(roleOf(g, c.id)).toBe('member');
      const events = (await b.api.get(`/api/conversations/${g.id}/events?after=0`)).body.events;
      expect(events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(events.map((e: { type: string }) => e.type)).toEqual(['conversation.created', 'member.added', 'member.added', 'member.added']);
    });

    it('members may not rename, add, remove or change roles (403 FORBIDDEN); nothing is appended', async () => {
      const g = await group(a, [b, c]);
      const before = await lastSeq(a, g.id);
      const tries = [
        await c.api.patch(`/api/conversations/${g.id}`, { title: 'mine now' }),
        await c.api.post(`/api/conversations/${g.id}/members`, { userIds: [d.id] }),
        await c.api.delete(`/api/conversations/${g.id}/members/${b.id}`),
        await c.api.patch(`/api/conversations/${g.id}/members/${b.id}`, { role: 'admin' }),
      ];
      for (const res of tries) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
      expect(await lastSeq(a, g.id)).toBe(before);
      expect((await a.api.get(`/api/conversations/${g.id}`)).body.conversation.title).toBe('Group');
    });

    it('owner makes an admin; an admin renames, adds and removes members but cannot set roles or remove the owner', async () => {
      const g = await group(a, [b, c]);
      const promoted = await a.api.patch(`/api/conversations/${g.id}/members/${b.id}`, { role: 'admin' });
      expect(promoted.status).toBe(200);
      expect(roleOf(promoted.body.conversation, b.id)).toBe('admin');

      const renamed = await b.api.patch(`/api/conversations/${g.id}`, { title: '  New title  ' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.conversation.title).toBe('New title');

      const added = await b.api.post(`/api/conversations/${g.id}/members`, { userIds: [d.id] });
      expect(added.status).toBe(200);
      expect(roleOf(added.body.conversation, d.id)).toBe('member');

      const setRole = await b.api.patch(`/api/conversations/${g.id}/members/${c.id}`, { role: 'admin' });
      expect(setRole.status).toBe(403);
      expect(setRole.body.code).toBe('FORBIDDEN');
      const removeOwner = await b.api.delete(`/api/conversations/${g.id}/members/${a.id}`);
      expect(removeOwner.status).toBe(403);
      expect(removeOwner.body.code).toBe('FORBIDDEN');

      const removed = await b.api.delete(`/api/conversations/${g.id}/members/${d.id}`);
      expect(removed.status).toBe(204);
      const gone = await d.api.get(`/api/conversations/${g.id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('NOT_FOUND');

      const events = (await a.api.get(`/api/conversations/${g.id}/events?after=4`)).body.events;
      expect(events.map((e: { type: string }) => e.type)).toEqual(['member.role', 'conversation.renamed', 'member.added', 'member.removed']);
      expect(events.map((e: { seq: number }) => e.seq)).toEqual([5, 6, 7, 8]);
    });

    it('the owner cannot be demoted; setting the same role appends nothing', async () => {
      const g = await group(a, [b]);
      const demote = await a.api.patch(`/api/conversations/${g.id}/members/${a.id}`, { role: 'member' });
      expect(demote.status).toBe(403);
      expect(demote.body.code).toBe('FORBIDDEN');
      const before = await lastSeq(a, g.id);
      expect((await a.api.patch(`/api/conversations/${g.id}/members/${b.id}`, { role: 'member' })).status).toBe(200);
      expect(await lastSeq(a, g.id)).toBe(before);
      const owner = await a.api.patch(`/api/conversations/${g.id}/members/${b.id}`, { role: 'owner' });
      expect(owner.status).toBe(400);
      expect(owner.body.code).toBe('BAD_REQUEST');
    });

    it('adding an unknown user is USER_NOT_FOUND and adds nobody; adding an existing member is CONFLICT and adds nobody', async () => {
      const g = await group(a, [b]);
      const before = await lastSeq(a, g.id);
      const unknown = await a.api.post(`/api/conversations/${g.id}/members`, { userIds: [c.id, 'no-such-user'] });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('USER_NOT_FOUND');
      expect((await c.api.get(`/api/conversations/${g.id}`)).status).toBe(404);
      for (const userIds of [[b.id], [c.id, b.id]]) {
        const existing = await a.api.post(`/api/conversations/${g.id}/members`, { userIds });
        expect(existing.status).toBe(409);
        expect(existing.body.code).toBe('CONFLICT');
      }
      expect((await c.api.get(`/api/conversations/${g.id}`)).status).toBe(404);
      expect(await lastSeq(a, g.id)).toBe(before);
      const createUnknown = await a.api.post('/api/conversations/group', { title: 'x', memberIds: ['no-such-user'] });
      expect(createUnknown.status).toBe(404);
      expect(createUnknown.body.code).toBe('USER_NOT_FOUND');
    });

    it('leaving: a member leaves; when the owner leaves the oldest admin becomes owner', async () => {
      const g = await group(a, [b, c, d]);
      await a.api.patch(`/api/conversations/${g.id}/members/${c.id}`, { role: 'admin' });
      expect((await d.api.post(`/api/conversations/${g.id}/leave`)).status).toBe(204);
      expect((await d.api.get(`/api/conversations/${g.id}`)).status).toBe(404);
      expect((await d.api.post(`/api/conversations/${g.id}/leave`)).status).toBe(404);

      expect((await a.api.post(`/api/conversations/${g.id}/leave`)).status).toBe(204);
      const after = (await b.api.get(`/api/conversations/${g.id}`)).body.conversation;
      expect(roleOf(after, c.id)).toBe('owner');
      expect(roleOf(after, a.id)).toBeUndefined();
      const tail = (await b.api.get(`/api/conversations/${g.id}/events?after=${after.lastSeq - 2}`)).body.events;
      expect(tail.map((e: { type: string }) => e.type)).toEqual(['member.left', 'member.role']);
    });

    it('a removed member stops receiving the conversation and cannot send', async () => {
      const g = await group(a, [b, c]);
      const sockC = await RawSocket.connect(server.wsUrl, c.token);
      const mark = sockC.mark();
      expect((await a.api.delete(`/api/conversations/${g.id}/members/${c.id}`)).status).toBe(204);
      await sockC.waitEvent(g.id, 'member.removed', mark);
      const send = await sockC.request('send', { conversationId: g.id, clientMessageId: 'after-removal', kind: 'text', content: { body: 'hello?' } });
      expect(send.ok).toBe(false);
      expect(send.error.code).toBe('NOT_FOUND');

      // A's next message is not pushed to C: the barrier is C's own conversation with A.
      const direct = (await c.api.post('/api/conversations/direct', { userId: a.id })).body.conversation;
      const m2 = sockC.mark();
      await a.api.post(`/api/conversations/${g.id}/messages`, { clientMessageId: 'to-group', kind: 'text', content: { body: 'secret' } });
      await a.api.post(`/api/conversations/${direct.id}/messages`, { clientMessageId: 'barrier', kind: 'text', content: { body: 'barrier after removal' } });
      await sockC.waitEvent(direct.id, 'message.created', m2);
      expect(sockC.eventsSince(m2, g.id)).toEqual([]);
      await sockC.close();
    });

    it('title and members are validated', async () => {
      for (const body of [{ title: '' }, { title: '   ' }, { title: 'x'.repeat(101) }, { title: 'ok', memberIds: 'nope' }, { title: 'ok', memberIds: ['../etc'] }, { title: 'ok', extra: 1 }]) {
        const res = await a.api.post('/api/conversations/group', body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('BAD_REQUEST');
      }
    });
  });

  describe('members only: for a non-member the conversation does not exist', () => {
    let g: { id: string };
    let messageId: string;

    beforeAll(async () => {
      g = await group(a, [b]);
      messageId = (await a.api.post(`/api/conversations/${g.id}/messages`, { clientMessageId: 'members-only', kind: 'text', content: { body: 'hi' } })).body.message.id;
    });

    const routes = (id: string, mid: string, who: TestUser) =>
      [
        ['GET', `/api/conversations/${id}`],
        ['PATCH', `/api/conversations/${id}`, { title: 'hijack' }],
        ['GET', `/api/conversations/${id}/messages`],
        ['POST', `/api/conversations/${id}/messages`, { clientMessageId: `nm-${id}`, kind: 'text', content: { body: 'let me in' } }],
        ['PATCH', `/api/conversations/${id}/messages/${mid}`, { kind: 'text', content: { body: 'edited' } }],
        ['DELETE', `/api/conversations/${id}/messages/${mid}?for=everyone`],
        ['DELETE', `/api/conversations/${id}/messages/${mid}?for=me`],
        ['POST', `/api/conversations/${id}/members`, { userIds: [who.id] }],
        ['DELETE', `/api/conversations/${id}/members/${a.id}`],
        ['PATCH', `/api/conversations/${id}/members/${who.id}`, { role: 'admin' }],
        ['POST', `/api/conversations/${id}/leave`],
        ['POST', `/api/conversations/${id}/read`, { seq: 1 }],
        ['GET', `/api/conversations/${id}/events?after=0`],
        ['POST', `/api/conversations/${id}/archive`],
        ['POST', `/api/conversations/${id}/unarchive`],
      ] as [string, string, unknown?][];

    it('every conversation route answers 404 NOT_FOUND to a non-member, exactly as for an unknown id, and nothing changes', async () => {
      const before = await a.api.get(`/api/conversations/${g.id}/events?after=0`);
      for (const id of [g.id, 'no-such-conversation']) {
        for (const [method, path, json] of routes(id, messageId, outsider)) {
          const res = await outsider.api.raw(method, path, json === undefined ? {} : { json });
          expect({ method, path, status: res.status, code: res.body.code }).toEqual({ method, path, status: 404, code: 'NOT_FOUND' });
        }
      }
      const after = await a.api.get(`/api/conversations/${g.id}/events?after=0`);
      expect(after.body).toEqual(before.body);
      const history = (await a.api.get(`/api/conversations/${g.id}/messages`)).body.messages;
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ editedAt: null, deletedAt: null, content: { body: 'hi' } });
      const list = (await outsider.api.get('/api/conversations')).body.conversations;
      expect(list.map((x: { id: string }) => x.id)).not.toContain(g.id);
    });

    it('over WebSocket too: send, typing, read and delivered answer NOT_FOUND; sync flags it removed without content', async () => {
      const sock = await RawSocket.connect(server.wsUrl, outsider.token);
      for (const [op, data] of [
        ['send', { conversationId: g.id, clientMessageId: 'ws-nm', kind: 'text', content: { body: 'x' } }],
        ['typing', { conversationId: g.id, state: 'start' }],
        ['read', { conversationId: g.id, seq: 1 }],
        ['delivered', { conversationId: g.id, seq: 1 }],
      ] as const) {
        const res = await sock.request(op, data);
        expect({ op, ok: res.ok, code: res.error?.code }).toEqual({ op, ok: false, code: 'NOT_FOUND' });
      }
      const sync = await sock.ok('sync', { conversations: [{ id: g.id, seq: 0 }] });
      const entry = sync.conversations.find((x: { id: string }) => x.id === g.id);
      expect(entry).toMatchObject({ removed: true, events: [], lastSeq: 0 });
      expect(entry.receipts).toBeUndefined();
      await sock.close();
      expect(await lastSeq(a, g.id)).toBe(4);
    });

    it('a non-member sees no typing, receipts or events of the conversation', async () => {
      const sock = await RawSocket.connect(server.wsUrl, outsider.token);
      const sockA = await RawSocket.connect(server.wsUrl, a.token);
      const direct = (await outsider.api.post('/api/conversations/direct', { userId: a.id })).body.conversation;
      const mark = sock.mark();
      await sockA.ok('typing', { conversationId: g.id, state: 'start' });
      await a.api.post(`/api/conversations/${g.id}/messages`, { clientMessageId: 'nm-visible', kind: 'text', content: { body: 'members only' } });
      await a.api.post(`/api/conversations/${g.id}/read`, { seq: 99 });
      await a.api.post(`/api/conversations/${direct.id}/messages`, { clientMessageId: 'nm-barrier', kind: 'text', content: { body: 'barrier' } });
      await sock.waitEvent(direct.id, 'message.created', mark);
      const leaked = sock.frames.slice(mark).filter((f) => JSON.stringify(f).includes(g.id));
      expect(leaked).toEqual([]);
      await sock.close();
      await sockA.close();
    });
  });

  it('archive and unarchive move a conversation between the lists; my other socket hears about it', async () => {
    const g = await group(a, [b], 'Archivable');
    const other = await RawSocket.connect(server.wsUrl, a.token);
    const mark = other.mark();
    expect((await a.api.post(`/api/conversations/${g.id}/archive`)).status).toBe(204);
    const pushed = await other.waitPush((f) => f.type === 'user_event' && f.event.type === 'conversation.archived' && f.event.conversationId === g.id, mark);
    expect(pushed.type).toBe('user_event');
    const ids = async (archived: boolean) => (await a.api.get(`/api/conversations?archived=${archived}&limit=200`)).body.conversations.map((x: { id: string }) => x.id);
    expect(await ids(true)).toContain(g.id);
    expect(await ids(false)).not.toContain(g.id);
    expect((await a.api.get(`/api/conversations/${g.id}`)).body.conversation.me.archived).toBe(true);
    // Archiving is mine alone.
    expect((await b.api.get(`/api/conversations/${g.id}`)).body.conversation.me.archived).toBe(false);
    // Archiving again is a no-op (no second user event).
    expect((await a.api.post(`/api/conversations/${g.id}/archive`)).status).toBe(204);

    expect((await a.api.post(`/api/conversations/${g.id}/unarchive`)).status).toBe(204);
    await other.waitPush((f) => f.type === 'user_event' && f.event.type === 'conversation.unarchived', mark);
    expect(await ids(false)).toContain(g.id);
    expect(await ids(true)).not.toContain(g.id);
    const userEvents = other.pushesSince(mark, 'user_event');
    expect(userEvents.map((f) => (f as { event: { type: string } }).event.type)).toEqual(['conversation.archived', 'conversation.unarchived']);
    await other.close();
  });

  it('the conversation list pages with a cursor, most recent first', async () => {
    const [p] = await registerUsers(server.url, 1, 'pager');
    const made: string[] = [];
    for (const other of [a, b, c, d]) made.push((await p!.api.post('/api/conversations/direct', { userId: other.id })).body.conversation.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { conversations: { id: string }[]; nextCursor: string | null } } = await p!.api.get(`/api/conversations?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.conversations.map((x) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    const bad = await p!.api.get('/api/conversations?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('BAD_REQUEST');
  });
});

describeEachBackend('members-per-group limit', (backend) => {
  it('creating or growing a group past maxGroupMembers is LIMIT_EXCEEDED and changes nothing', async () => {
    const server = await backend.startServer({ config: { rateLimits: testRateLimits(), maxGroupMembers: 3 } });
    try {
      const [o, m1, m2, m3] = await registerUsers(server.url, 4, 'lim');
      const tooBig = await o!.api.post('/api/conversations/group', { title: 'big', memberIds: [m1!.id, m2!.id, m3!.id] });
      expect(tooBig.status).toBe(422);
      expect(tooBig.body.code).toBe('LIMIT_EXCEEDED');
      expect((await o!.api.get('/api/conversations')).body.conversations).toEqual([]);

      const g = (await o!.api.post('/api/conversations/group', { title: 'ok', memberIds: [m1!.id, m2!.id] })).body.conversation;
      const grow = await o!.api.post(`/api/conversations/${g.id}/members`, { userIds: [m3!.id] });
      expect(grow.status).toBe(422);
      expect(grow.body.code).toBe('LIMIT_EXCEEDED');
      expect((await m3!.api.get(`/api/conversations/${g.id}`)).status).toBe(404);
      expect((await o!.api.get(`/api/conversations/${g.id}`)).body.conversation.members).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});

