/**
 * Messages over raw HTTP: send and idempotent retry, history paging both ways, edit,
 * delete for everyone (tombstones) and for me (hidden only for me, my other devices
 * told), compose by username, the received/sent mailboxes, unread counts and read marks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestNode } from '../testing';
import { describeEachBackend } from '../test-support/backends';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };
type Msg = { id: string; seq: number; kind: string; content: { body: string; title: string | null } | null; senderId: string; clientMessageId: string; editedAt: number | null; deletedAt: number | null };

describeEachBackend('messages', (backend) => {
  let server: Server;
  let a: TestUser, b: TestUser, c: TestUser;
  let n = 0;
  const cid = (p = 'm') => `${p}-${++n}`;

  beforeAll(async () => {
    server = await backend.startServer({ config: { rateLimits: testRateLimits() } });
    [a, b, c] = await registerUsers(server.url, 3, 'msg');
  });
  afterAll(() => server.close());

  const group = async (owner: TestUser, members: TestUser[]) =>
    (await owner.api.post('/api/conversations/group', { title: 'G', memberIds: members.map((m) => m.id) })).body.conversation.id as string;
  // Bodies are unique by default: the content filter refuses a user's repeated identical bodies.
  const send = async (who: TestUser, conv: string, body?: string, { title = null }: { title?: string | null } = {}) => {
    const clientMessageId = cid();
    const res = await who.api.post(`/api/conversations/${conv}/messages`, { clientMessageId, kind: 'text', content: { body: body ?? `hello ${clientMessageId}`, title } });
    expect(res.status).toBe(201);
    return res.body.message as Msg;
  };
  const history = async (who: TestUser, conv: string, q = '') => (await who.api.get(`/api/conversations/${conv}/messages${q}`)).body as { messages: Msg[]; hasMore: boolean };

  it('sends (201) and a retry with the same clientMessageId returns the original (200), appending nothing', async () => {
    const conv = await group(a, [b]);
    const first = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'same-id-1', kind: 'text', content: { body: 'once', title: '  Hi  ' } });
    expect(first.status).toBe(201);
    expect(first.body.message).toMatchObject({ conversationId: conv, senderId: a.id, clientMessageId: 'same-id-1', editedAt: null, deletedAt: null, kind: 'text', content: { body: 'once', title: 'Hi' }, replyTo: null, threadRootId: null, targetId: null });
    const retry = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'same-id-1', kind: 'text', content: { body: 'once' } });
    expect(retry.status).toBe(200);
    expect(retry.body.message).toEqual(first.body.message);
    const h = await history(b, conv);
    expect(h.messages.map((m) => m.id)).toEqual([first.body.message.id]);
    // The same client id from another sender is a different message.
    const other = await b.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'same-id-1', kind: 'text', content: { body: 'mine' } });
    expect(other.status).toBe(201);
    expect(other.body.message.id).not.toBe(first.body.message.id);
  });

  it('pages history backwards (before) and forwards (after), ascending within a page', async () => {
    const conv = await group(a, [b]);
    const sent: Msg[] = [];
    for (let i = 0; i < 7; i++) sent.push(await send(i % 2 ? b : a, conv, `m${i}`));
    const seqs = sent.map((m) => m.seq);

    const latest = await history(a, conv, '?limit=3');
    expect(latest.messages.map((m) => m.seq)).toEqual(seqs.slice(4));
    expect(latest.hasMore).toBe(true);
    const older = await history(a, conv, `?limit=3&before=${seqs[4]}`);
    expect(older.messages.map((m) => m.seq)).toEqual(seqs.slice(1, 4));
    expect(older.hasMore).toBe(true);
    const oldest = await history(a, conv, `?limit=3&before=${seqs[1]}`);
    expect(oldest.messages.map((m) => m.seq)).toEqual(seqs.slice(0, 1));
    expect(oldest.hasMore).toBe(false);

    const fwd1 = await history(a, conv, '?limit=3&after=0');
    expect(fwd1.messages.map((m) => m.seq)).toEqual(seqs.slice(0, 3));
    expect(fwd1.hasMore).toBe(true);
    const fwd2 = await history(a, conv, `?limit=3&after=${seqs[2]}`);
    expect(fwd2.messages.map((m) => m.seq)).toEqual(seqs.slice(3, 6));
    const fwd3 = await history(a, conv, `?limit=3&after=${seqs[5]}`);
    expect(fwd3.messages.map((m) => m.seq)).toEqual(seqs.slice(6));
    expect(fwd3.hasMore).toBe(false);

    for (const q of ['?before=1&after=2', '?limit=0', '?limit=201', '?before=abc', '?after=-1', '?sort=asc']) {
      const res = await a.api.get(`/api/conversations/${conv}/messages${q}`);
      expect({ q, status: res.status, code: res.body.code }).toEqual({ q, status: 400, code: 'BAD_REQUEST' });
    }
  });

  it('edits my message; editing another member\'s message is 403 FORBIDDEN', async () => {
    const conv = await group(a, [b]);
    const sockB = await RawSocket.connect(server.wsUrl, b.token);
    const m = await send(a, conv, 'typo', { title: 'T' });
    const mark = sockB.mark();
    const edited = await a.api.patch(`/api/conversations/${conv}/messages/${m.id}`, { kind: 'text', content: { body: 'fixed', title: 'T' } });
    expect(edited.status).toBe(200);
    expect(edited.body.message).toMatchObject({ id: m.id, seq: m.seq, content: { body: 'fixed', title: 'T' } });
    expect(edited.body.message.editedAt).toEqual(expect.any(Number));
    const ev = await sockB.waitEvent(conv, 'message.edited', mark);
    expect(ev).toMatchObject({ messageId: m.id, content: { body: 'fixed', title: 'T' } });
    expect(ev.seq).toBe(m.seq + 1);

    const clearTitle = await a.api.patch(`/api/conversations/${conv}/messages/${m.id}`, { kind: 'text', content: { body: 'fixed', title: null } });
    expect(clearTitle.body.message.content.title).toBeNull();

    const theirs = await b.api.patch(`/api/conversations/${conv}/messages/${m.id}`, { kind: 'text', content: { body: 'hijacked' } });
    expect(theirs.status).toBe(403);
    expect(theirs.body.code).toBe('FORBIDDEN');
    const unknown = await a.api.patch(`/api/conversations/${conv}/messages/nosuchmessage`, { kind: 'text', content: { body: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const h = await history(b, conv);
    expect(h.messages.find((x) => x.id === m.id)).toMatchObject({ content: { body: 'fixed', title: null } });
    await sockB.close();
  });

  it('a message id from another conversation is NOT_FOUND here', async () => {
    const conv1 = await group(a, [b]);
    const conv2 = await group(a, [b]);
    const m = await send(a, conv1);
    for (const res of [
      await a.api.patch(`/api/conversations/${conv2}/messages/${m.id}`, { kind: 'text', content: { body: 'x' } }),
      await a.api.delete(`/api/conversations/${conv2}/messages/${m.id}?for=everyone`),
      await a.api.delete(`/api/conversations/${conv2}/messages/${m.id}?for=me`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect((await history(a, conv1)).messages[0]).toMatchObject({ content: m.content, deletedAt: null });
  });

  it('delete for everyone: the author, or a group admin, leaves a tombstone for all; others get FORBIDDEN', async () => {
    const conv = await group(a, [b, c]);
    await a.api.patch(`/api/conversations/${conv}/members/${b.id}`, { role: 'admin' });
    const sockC = await RawSocket.connect(server.wsUrl, c.token);
    const byA = await send(a, conv, 'from a', { title: 'secret title' });
    const byC = await send(c, conv, 'from c');
    const byC2 = await send(c, conv, 'from c again');

    // A plain member cannot delete someone else's message.
    const forbidden = await c.api.delete(`/api/conversations/${conv}/messages/${byA.id}?for=everyone`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');

    const mark = sockC.mark();
    expect((await c.api.delete(`/api/conversations/${conv}/messages/${byC.id}?for=everyone`)).status).toBe(204);
    expect((await b.api.delete(`/api/conversations/${conv}/messages/${byC2.id}?for=everyone`)).status).toBe(204);
    expect((await a.api.delete(`/api/conversations/${conv}/messages/${byA.id}?for=everyone`)).status).toBe(204);
    await sockC.waitEvent(conv, 'message.deleted', mark, byC2.seq + 3);
    expect(sockC.eventsSince(mark, conv).map((e) => e.messageId)).toEqual([byC.id, byC2.id, byA.id]);

    for (const who of [a, b, c]) {
      const h = await history(who, conv);
      for (const m of h.messages) {
        expect(m.deletedAt).toEqual(expect.any(Number));
        expect(m.kind).toBe('text');
        expect(m.content).toBeNull();
      }
      expect(h.messages).toHaveLength(3);
    }
    const again = await a.api.delete(`/api/conversations/${conv}/messages/${byA.id}?for=everyone`);
    expect(again.status).toBe(404);
    const editDeleted = await a.api.patch(`/api/conversations/${conv}/messages/${byA.id}`, { kind: 'text', content: { body: 'back' } });
    expect(editDeleted.status).toBe(404);
    await sockC.close();
  });

  // Events keep the text they were appended with; deleting for everyone must blank it there
  // too, or /events and sync would keep serving it (to members who join later as well).
  it('a message deleted for everyone leaves no content in the event log', async () => {
    const conv = await group(a, [b]);
    const m = await send(a, conv, 'deleted body', { title: 'secret title' });
    await a.api.patch(`/api/conversations/${conv}/messages/${m.id}`, { kind: 'text', content: { body: 'edited body' } });
    await a.api.delete(`/api/conversations/${conv}/messages/${m.id}?for=everyone`);
    const events = JSON.stringify((await b.api.get(`/api/conversations/${conv}/events?after=0`)).body.events);
    const sync = JSON.stringify((await b.api.post('/api/sync', { conversations: [{ id: conv, seq: 0 }] })).body);
    for (const text of ['secret title', 'deleted body', 'edited body']) {
      expect(events).not.toContain(text);
      expect(sync).not.toContain(text);
    }
  });

  it('in a direct conversation only the author deletes for everyone', async () => {
    const conv = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id;
    const m = await send(a, conv, 'direct');
    const res = await b.api.delete(`/api/conversations/${conv}/messages/${m.id}?for=everyone`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('delete for me hides the message only for me (history, lists, last message) and tells my other socket', async () => {
    const conv = await group(a, [b]);
    const keep = await send(b, conv, 'keep');
    const hide = await send(b, conv, 'hide me');
    const other = await RawSocket.connect(server.wsUrl, a.token);
    const sockB = await RawSocket.connect(server.wsUrl, b.token);
    const mark = other.mark();
    const markB = sockB.mark();
    expect((await a.api.delete(`/api/conversations/${conv}/messages/${hide.id}?for=me`)).status).toBe(204);
    const pushed = await other.waitPush((f) => f.type === 'user_event' && f.event.type === 'message.hidden', mark);
    expect(pushed).toMatchObject({ event: { conversationId: conv, messageId: hide.id } });

    expect((await history(a, conv)).messages.map((m) => m.id)).toEqual([keep.id]);
    expect((await history(b, conv)).messages.map((m) => m.id)).toEqual([keep.id, hide.id]);
    const received = (await a.api.get('/api/messages/received?limit=200')).body.messages.map((m: Msg) => m.id);
    expect(received).toContain(keep.id);
    expect(received).not.toContain(hide.id);
    expect((await b.api.get('/api/messages/sent?limit=200')).body.messages.map((m: Msg) => m.id)).toContain(hide.id);
    const viewA = (await a.api.get(`/api/conversations/${conv}`)).body.conversation;
    expect(viewA.lastMessage.id).toBe(keep.id);
    expect((await b.api.get(`/api/conversations/${conv}`)).body.conversation.lastMessage.id).toBe(hide.id);

    // Hiding is not a conversation event: B (and the log) see nothing.
    const barrier = await send(a, conv, 'barrier');
    await sockB.waitEvent(conv, 'message.created', markB, barrier.seq);
    // (A's first socket also makes A online for B; when that presence push lands is not the point.)
    expect(sockB.pushesSince(markB).filter((f) => f.type !== 'presence').map((f) => f.type)).toEqual(['event']);
    await other.close();
    await sockB.close();
  });

  it('compose sends a titled message by username, opening (then reusing) the direct conversation', async () => {
    const [x, y] = await registerUsers(server.url, 2, 'compose');
    const first = await x!.api.post('/api/compose', { recipient: y!.username, clientMessageId: cid('c'), body: 'Tuesday?', title: 'Lesson' });
    expect(first.status).toBe(201);
    expect(first.body.message).toMatchObject({ senderId: x!.id, content: { body: 'Tuesday?', title: 'Lesson' } });
    expect(first.body.conversation).toMatchObject({ kind: 'direct' });
    expect(first.body.conversation.lastMessage.id).toBe(first.body.message.id);
    const second = await x!.api.post('/api/compose', { recipient: y!.username.toUpperCase(), clientMessageId: cid('c'), body: 'Wednesday?', title: 'Again' });
    expect(second.status).toBe(201);
    expect(second.body.conversation.id).toBe(first.body.conversation.id);
    const direct = await y!.api.post('/api/conversations/direct', { userId: x!.id });
    expect(direct.status).toBe(200);
    expect(direct.body.conversation.id).toBe(first.body.conversation.id);

    const unknown = await x!.api.post('/api/compose', { recipient: 'nobody_at_all', clientMessageId: cid('c'), body: 'y', title: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('USER_NOT_FOUND');
    const self = await x!.api.post('/api/compose', { recipient: x!.username, clientMessageId: cid('c'), body: 'y', title: 'x' });
    expect(self.status).toBe(404);
    expect(self.body.code).toBe('USER_NOT_FOUND');
    for (const bad of [
      { recipient: y!.username, clientMessageId: cid('c'), body: 'no title' },
      { recipient: y!.username, clientMessageId: cid('c'), body: 'blank title', title: '  ' },
      { recipient: y!.username, clientMessageId: cid('c'), body: '', title: 't' },
    ]) {
      const res = await x!.api.post('/api/compose', bad);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BAD_REQUEST');
    }
    expect((await history(y!, first.body.conversation.id)).messages.map((m) => m.content?.body)).toEqual(['Tuesday?', 'Wednesday?']);
  });

  it('a compose retry with the same clientMessageId returns the original and sends nothing new', async () => {
    const [x, y] = await registerUsers(server.url, 2, 'cretry');
    const body = { recipient: y!.username, clientMessageId: 'compose-retry', body: 'only once', title: 'Once' };
    const first = await x!.api.post('/api/compose', body);
    const retry = await x!.api.post('/api/compose', body);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.message).toEqual(first.body.message);
    expect((await history(y!, first.body.conversation.id)).messages).toHaveLength(1);
  });

  it('received and sent lists: newest first, across conversations, paged by cursor, without deleted messages', async () => {
    const [r, s1, s2] = await registerUsers(server.url, 3, 'mbox');
    const d1 = (await s1!.api.post('/api/conversations/direct', { userId: r!.id })).body.conversation.id;
    const g = await group(s2!, [r!]);
    const expected: Msg[] = [];
    for (let i = 0; i < 5; i++) expected.push(await send(i % 2 ? s2! : s1!, i % 2 ? g : d1, `to r ${i}`));
    const mine = await send(r!, d1, 'from r');
    const deleted = await send(s1!, d1, 'deleted');
    await s1!.api.delete(`/api/conversations/${d1}/messages/${deleted.id}?for=everyone`);

    const got: (Msg & { sender: { id: string }; conversationTitle: string | null })[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { messages: typeof got; nextCursor: string | null } } = await r!.api.get(`/api/messages/received?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      got.push(...res.body.messages);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(got.map((m) => m.id)).toEqual([...expected].reverse().map((m) => m.id));
    expect(got[0]).toMatchObject({ sender: { id: s1!.id, username: s1!.username }, conversationTitle: null });
    expect(got[1]).toMatchObject({ sender: { id: s2!.id }, conversationTitle: 'G' });

    const sent = (await r!.api.get('/api/messages/sent')).body;
    expect(sent.messages.map((m: Msg) => m.id)).toEqual([mine.id]);
    expect(sent.nextCursor).toBeNull();
    const sentS1 = (await s1!.api.get('/api/messages/sent')).body.messages.map((m: Msg) => m.id);
    expect(sentS1).toEqual([expected[4]!.id, expected[2]!.id, expected[0]!.id]);

    const bad = await r!.api.get('/api/messages/received?cursor=%%%');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('BAD_REQUEST');
  });

  it('unread counts and read marks: the list shows my unread count, and others see my read watermark', async () => {
    const conv = await group(a, [b]);
    const m1 = await send(a, conv, 'one');
    const m2 = await send(a, conv, 'two');
    await send(b, conv, 'mine do not count');
    const m4 = await send(a, conv, 'three');

    const listed = async (who: TestUser) => (await who.api.get('/api/conversations?limit=200')).body.conversations.find((x: { id: string }) => x.id === conv);
    expect((await listed(b)).unreadCount).toBe(3);
    expect((await listed(a)).unreadCount).toBe(1);

    expect((await b.api.post(`/api/conversations/${conv}/read`, { seq: m2.seq })).status).toBe(204);
    const afterRead = await listed(b);
    expect(afterRead.unreadCount).toBe(1);
    expect(afterRead.me).toMatchObject({ readSeq: m2.seq, deliveredSeq: m2.seq });
    const seenByA = (await listed(a)).members.find((x: { user: { id: string } }) => x.user.id === b.id);
    expect(seenByA).toMatchObject({ readSeq: m2.seq, deliveredSeq: m2.seq });

    // Watermarks never go back, and are capped at the conversation's last seq.
    expect((await b.api.post(`/api/conversations/${conv}/read`, { seq: m1.seq })).status).toBe(204);
    expect((await listed(b)).me.readSeq).toBe(m2.seq);
    expect((await b.api.post(`/api/conversations/${conv}/read`, { seq: 1_000_000 })).status).toBe(204);
    const capped = await listed(b);
    expect(capped.me.readSeq).toBe(m4.seq);
    expect(capped.unreadCount).toBe(0);
    for (const bad of [{ seq: -1 }, { seq: 1.5 }, { seq: '3' }, {}]) {
      const res = await b.api.post(`/api/conversations/${conv}/read`, bad);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BAD_REQUEST');
    }
  });

  it('the conversation list shows the last visible message and orders by latest activity', async () => {
    const [p, q, r] = await registerUsers(server.url, 3, 'order');
    const d1 = (await p!.api.post('/api/conversations/direct', { userId: q!.id })).body.conversation.id;
    const d2 = (await p!.api.post('/api/conversations/direct', { userId: r!.id })).body.conversation.id;
    const ids = async () => (await p!.api.get('/api/conversations')).body.conversations.map((x: { id: string }) => x.id);
    expect(await ids()).toEqual([d2, d1]);
    const last = await send(q!, d1, 'bump');
    expect(await ids()).toEqual([d1, d2]);
    const view = (await p!.api.get('/api/conversations')).body.conversations[0];
    expect(view.lastMessage).toMatchObject({ id: last.id, content: { body: 'bump' } });
  });
});
