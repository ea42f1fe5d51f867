/**
 * The WebSocket gateway over a raw socket: the hello handshake, sends acknowledged
 * after commit and pushed to every member and my other sockets, idempotent retries,
 * typing, presence (honouring privacy), profile changes (honouring blocks) and receipts
 * (watermarks, honouring privacy).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOSE, PROTOCOL_VERSION, type Receipt, type UserId } from '@parley/protocol';
import { startTestServer } from '../testing';
import { RawSocket } from '../test-support/ws-client';
import { call } from '../test-support/http-client';
import { pngImage } from '../test-support/attachments';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** The first receipt matching pred inside a (coalesced) 'receipts' push after mark. */
async function waitReceipt(sock: RawSocket, mark: number, pred: (r: Receipt) => boolean): Promise<Receipt> {
  const frame = await sock.waitPush((f) => f.type === 'receipts' && (f.receipts as Receipt[]).some(pred), mark);
  return (frame as unknown as { receipts: Receipt[] }).receipts.find(pred)!;
}

describe('gateway', () => {
  let server: Server;
  let a: TestUser, b: TestUser, c: TestUser;
  let conv: string;

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits() } });
    [a, b, c] = await registerUsers(server.url, 3, 'gw');
    conv = (await a.api.post('/api/conversations/group', { title: 'Realtime', memberIds: [b.id] })).body.conversation.id;
  });
  afterAll(() => server.close());

  describe('hello', () => {
    it('welcomes a valid hello with the protocol and my user id', async () => {
      const sock = await RawSocket.open(server.wsUrl);
      const welcome = await sock.hello(a.token);
      expect(welcome).toMatchObject({ type: 'welcome', protocol: PROTOCOL_VERSION, userId: a.id });
      expect(welcome.heartbeatMs).toBeGreaterThan(0);
      expect((await sock.request('ping')).ok).toBe(true);
      await sock.close();
    });

    const firstFrames: [string, string | Buffer, boolean?][] = [
      ['a request', JSON.stringify({ type: 'req', id: 1, op: 'ping' })],
      ['invalid JSON', '{"type":"hello",'],
      ['a binary hello', Buffer.from(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: 'x' })), true],
      ['hello without token', JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION })],
      ['hello with extra fields', JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: 'x', admin: true })],
      ['hello with a string protocol', JSON.stringify({ type: 'hello', protocol: '1', token: 'x' })],
      ['JSON null', 'null'],
    ];
    it.each(firstFrames)('a first frame that is %s closes with 4400', async (_name, data, binary) => {
      const sock = await RawSocket.open(server.wsUrl);
      sock.sendRaw(data, binary ?? false);
      expect((await sock.closed).code).toBe(CLOSE.PROTOCOL_ERROR);
    });

    it('requests pipelined right behind hello (before welcome) are answered after welcome', async () => {
      const sock = await RawSocket.open(server.wsUrl);
      sock.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: a.token });
      sock.send({ type: 'req', id: 'p1', op: 'ping' });
      sock.send({ type: 'req', id: 'p2', op: 'send', data: { conversationId: conv, clientMessageId: 'pipelined-1', kind: 'text', content: { body: 'pipelined' } } });
      const replies = await Promise.all(['p1', 'p2'].map((id) => sock.waitFrame((f) => f.type === 'res' && f.id === id)));
      expect(replies.map((r) => r.ok)).toEqual([true, true]);
      expect(sock.frames.find((f) => f.type === 'welcome' || f.type === 'res')?.type).toBe('welcome');
      expect(replies[1]!.data.message.content.body).toBe('pipelined');
      await sock.close();
    });

    it.each([999, 1])('an unsupported protocol version (%i) closes with 4406', async (protocol) => {
      // 1 is the version before typed content: such a client would misread every message.
      const sock = await RawSocket.open(server.wsUrl);
      sock.send({ type: 'hello', protocol, token: a.token });
      expect((await sock.closed).code).toBe(CLOSE.PROTOCOL_UNSUPPORTED);
    });

    it('only /ws upgrades', async () => {
      await expect(RawSocket.open(server.wsUrl.replace('/ws', '/other'))).rejects.toThrow();
    });
  });

  describe('send', () => {
    it('is acknowledged after commit and pushed to the other member and to my other socket', async () => {
      const [sa, sa2, sb] = await Promise.all([RawSocket.connect(server.wsUrl, a.token), RawSocket.connect(server.wsUrl, a.token), RawSocket.connect(server.wsUrl, b.token)]);
      const [ma2, mb] = [sa2.mark(), sb.mark()];
      const res = await sa.request('send', { conversationId: conv, clientMessageId: 'ws-send-1', kind: 'text', content: { body: 'hi over ws' } });
      expect(res.ok).toBe(true);
      expect(res.data.duplicate).toBe(false);
      const message = res.data.message;
      expect(message).toMatchObject({ conversationId: conv, senderId: a.id, clientMessageId: 'ws-send-1', content: { body: 'hi over ws' } });
      // Stored before acknowledged: it is in history the moment the ack arrives.
      const history = (await b.api.get(`/api/conversations/${conv}/messages`)).body.messages;
      expect(history.map((m: { id: string }) => m.id)).toContain(message.id);

      for (const [sock, mark] of [[sb, mb], [sa2, ma2]] as const) {
        const ev = await sock.waitEvent(conv, 'message.created', mark, message.seq);
        expect(ev.message).toEqual(message);
      }
      await Promise.all([sa.close(), sa2.close(), sb.close()]);
    });

    it('a retry with the same clientMessageId returns the original (duplicate: true) and creates nothing new', async () => {
      const [sa, sb] = await Promise.all([RawSocket.connect(server.wsUrl, a.token), RawSocket.connect(server.wsUrl, b.token)]);
      const mb = sb.mark();
      const first = await sa.ok('send', { conversationId: conv, clientMessageId: 'ws-retry-1', kind: 'text', content: { body: 'once' } });
      const retry = await sa.ok('send', { conversationId: conv, clientMessageId: 'ws-retry-1', kind: 'text', content: { body: 'once' } });
      expect(retry.duplicate).toBe(true);
      expect(retry.message).toEqual(first.message);
      // Also through HTTP.
      const http = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'ws-retry-1', kind: 'text', content: { body: 'once' } });
      expect(http.status).toBe(200);
      expect(http.body.message.seq).toBe(first.message.seq);

      const barrier = await sa.ok('send', { conversationId: conv, clientMessageId: 'ws-retry-barrier', kind: 'text', content: { body: 'barrier' } });
      await sb.waitEvent(conv, 'message.created', mb, barrier.message.seq);
      // Retries publish the original again (its first publish may have died with a node);
      // it carries the same seq, so a client holding it drops it. Nothing else was pushed.
      const seqs = sb.eventsSince(mb).map((e) => e.seq);
      expect(new Set(seqs)).toEqual(new Set([first.message.seq, barrier.message.seq]));
      expect(seqs.at(-1)).toBe(barrier.message.seq);
      expect(barrier.message.seq).toBe(first.message.seq + 1);
      await Promise.all([sa.close(), sb.close()]);
    });

    it('concurrent retries of one clientMessageId in the same batch create one message', async () => {
      const sa = await RawSocket.connect(server.wsUrl, a.token);
      const data = { conversationId: conv, clientMessageId: 'ws-burst-1', kind: 'text', content: { body: 'burst' } };
      const replies = await Promise.all(Array.from({ length: 5 }, () => sa.ok('send', data)));
      expect(new Set(replies.map((r) => r.message.id)).size).toBe(1);
      expect(replies.filter((r) => !r.duplicate)).toHaveLength(1);
      await sa.close();
    });
  });

  it('typing is pushed to the other member', async () => {
    const [sa, sb] = await Promise.all([RawSocket.connect(server.wsUrl, a.token), RawSocket.connect(server.wsUrl, b.token)]);
    const mb = sb.mark();
    expect((await sa.request('typing', { conversationId: conv, state: 'start' })).ok).toBe(true);
    const push = await sb.waitPush((f) => f.type === 'typing', mb);
    expect(push).toEqual({ type: 'typing', conversationId: conv, userId: a.id, state: 'start' });
    await sa.ok('typing', { conversationId: conv, state: 'stop' });
    await sb.waitPush((f) => f.type === 'typing' && f.state === 'stop', mb);
    await Promise.all([sa.close(), sb.close()]);
  });

  describe('profiles', () => {
    it('a changed display name or avatar is pushed to the people I share conversations with, once each', async () => {
      const [p, q, stranger] = await registerUsers(server.url, 3, 'prof');
      await p!.api.post('/api/conversations/direct', { userId: q!.id });
      await p!.api.post('/api/conversations/group', { title: 'Two places', memberIds: [q!.id] });
      const sp = await RawSocket.connect(server.wsUrl, p!.token);
      const ss = await RawSocket.connect(server.wsUrl, stranger!.token);
      const mp = sp.mark();
      const ms = ss.mark();
      expect((await q!.api.patch('/api/me', { displayName: 'Queenie Renamed' })).status).toBe(200);
      const frame = await sp.waitPush((f) => f.type === 'user', mp);
      expect(frame.user).toEqual({ id: q!.id, username: q!.username, displayName: 'Queenie Renamed', avatarUrl: null });
      // Barrier: a message after the change reaches p; the profile came once, though p shares two conversations with q.
      const direct = (await q!.api.post('/api/conversations/direct', { userId: p!.id })).body.conversation.id;
      const sent = await q!.api.post(`/api/conversations/${direct}/messages`, { clientMessageId: 'prof-barrier', kind: 'text', content: { body: 'x' } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      const m = sent.body.message;
      await sp.waitEvent(direct, 'message.created', mp, m.seq);
      expect(sp.pushesSince(mp, 'user')).toHaveLength(1);
      expect(ss.pushesSince(ms, 'user')).toEqual([]);
      await Promise.all([sp.close(), ss.close()]);
    });

    it('a new picture is pushed like a new name, and not to someone in a block with me', async () => {
      const [p, q, r] = await registerUsers(server.url, 3, 'profb');
      const group = (await p!.api.post('/api/conversations/group', { title: 'Three', memberIds: [q!.id, r!.id] })).body.conversation.id;
      expect((await p!.api.post('/api/blocks', { userId: q!.id })).status).toBe(204);
      const sp = await RawSocket.connect(server.wsUrl, p!.token);
      const sr = await RawSocket.connect(server.wsUrl, r!.token);
      const mp = sp.mark();
      const mr = sr.mark();
      const up = await call(server.url, 'PUT', '/api/me/avatar', { token: q!.token, raw: await pngImage(40, 40), contentType: 'image/png' });
      expect(up.status, JSON.stringify(up.body)).toBe(200);
      const frame = await sr.waitPush((f) => f.type === 'user', mr);
      expect(frame.user).toMatchObject({ id: q!.id, username: q!.username, avatarUrl: up.body.user.avatarUrl });
      // Barrier: r's message after the change reaches p through the same conversation, and no profile came before it.
      const sent = await r!.api.post(`/api/conversations/${group}/messages`, { clientMessageId: 'profb-barrier', kind: 'text', content: { body: 'x' } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      await sp.waitEvent(group, 'message.created', mp, sent.body.message.seq);
      expect(sp.pushesSince(mp, 'user')).toEqual([]);
      await Promise.all([sp.close(), sr.close()]);
    });
  });

  describe('presence', () => {
    it('online and offline with last seen are pushed to people I share a conversation with', async () => {
      const [p, q] = await registerUsers(server.url, 2, 'pres');
      await p!.api.post('/api/conversations/direct', { userId: q!.id });
      const sp = await RawSocket.connect(server.wsUrl, p!.token);
      const mp = sp.mark();
      const sq = await RawSocket.connect(server.wsUrl, q!.token);
      const online = await sp.waitPush((f) => f.type === 'presence' && f.presence.userId === q!.id, mp);
      expect(online.presence).toEqual({ userId: q!.id, status: 'online', lastSeenAt: null });
      expect((await p!.api.get(`/api/users/${q!.id}`)).body.presence).toMatchObject({ status: 'online' });

      // A second socket of the same user is not a new "online".
      const sq2 = await RawSocket.connect(server.wsUrl, q!.token);
      await sq2.close();
      await sq.close();
      const offline = await sp.waitPush((f) => f.type === 'presence' && f.presence.status === 'offline', mp);
      expect(offline.presence.userId).toBe(q!.id);
      expect(offline.presence.lastSeenAt).toEqual(expect.any(Number));
      expect(sp.pushesSince(mp, 'presence').map((f) => (f as { presence: { status: string } }).presence.status)).toEqual(['online', 'offline']);
      const got = (await p!.api.get(`/api/users/${q!.id}`)).body.presence;
      expect(got).toEqual({ userId: q!.id, status: 'offline', lastSeenAt: offline.presence.lastSeenAt });
      await sp.close();
    });

    it("lastSeen 'nobody': no presence pushes, and GET /api/users/:id says hidden", async () => {
      const [p, q] = await registerUsers(server.url, 2, 'hide');
      const direct = (await p!.api.post('/api/conversations/direct', { userId: q!.id })).body.conversation.id;
      expect((await q!.api.patch('/api/me/privacy', { lastSeen: 'nobody' })).status).toBe(200);
      const sp = await RawSocket.connect(server.wsUrl, p!.token);
      const mp = sp.mark();
      const sq = await RawSocket.connect(server.wsUrl, q!.token);
      expect((await p!.api.get(`/api/users/${q!.id}`)).body.presence).toEqual({ userId: q!.id, status: 'hidden', lastSeenAt: null });
      await sq.close();
      expect((await p!.api.get(`/api/users/${q!.id}`)).body.presence).toEqual({ userId: q!.id, status: 'hidden', lastSeenAt: null });
      // I still see my own.
      expect((await q!.api.get(`/api/users/${q!.id}`)).body.presence.status).toBe('offline');
      // Barrier: after q's socket closed, a message from q reaches p; no presence came before it.
      const m = (await q!.api.post(`/api/conversations/${direct}/messages`, { clientMessageId: 'hide-barrier', kind: 'text', content: { body: 'x' } })).body.message;
      await sp.waitEvent(direct, 'message.created', mp, m.seq);
      expect(sp.pushesSince(mp, 'presence')).toEqual([]);
      await sp.close();
    });
    it('changing lastSeen replaces what contacts hold: hidden at once, the live status when shown again', async () => {
      const [p, q] = await registerUsers(server.url, 2, 'flip');
      await p.api.post('/api/conversations/direct', { userId: q.id });
      const sq = await RawSocket.connect(server.wsUrl, q.token);
      const mq = sq.mark();
      const sp = await RawSocket.connect(server.wsUrl, p.token);
      await sq.waitPush((f) => f.type === 'presence' && f.presence.userId === p.id && f.presence.status === 'online', mq);
      await p.api.patch('/api/me/privacy', { lastSeen: 'nobody' });
      const hidden = await sq.waitPush((f) => f.type === 'presence' && f.presence.userId === p.id && f.presence.status === 'hidden', mq);
      expect(hidden.presence).toEqual({ userId: p.id, status: 'hidden', lastSeenAt: null });
      await sp.close();
      // The server has taken p offline (its last-seen time is stored) before p shows it again.
      await vi.waitFor(async () => expect((await server.store.getUser(p.id as UserId))?.lastSeenAt).toEqual(expect.any(Number)), { timeout: 5000, interval: 10 });
      await p.api.patch('/api/me/privacy', { lastSeen: 'everyone' });
      const shown = await sq.waitPush((f) => f.type === 'presence' && f.presence.userId === p.id && f.presence.status === 'offline', mq);
      expect(shown.presence.lastSeenAt).toEqual(expect.any(Number));
      // Nothing was pushed about p while hidden (going offline included).
      const statuses = sq.pushesSince(mq, 'presence').filter((f) => f.presence.userId === p.id).map((f) => f.presence.status);
      expect(statuses).toEqual(['online', 'hidden', 'offline']);
      await sq.close();
    });

    describe('audience: direct conversations and groups of at most presenceGroupMax members', () => {
      let small: Server;
      beforeAll(async () => {
        small = await startTestServer({ config: { rateLimits: testRateLimits(), presenceGroupMax: 3 } });
      });
      afterAll(() => small.close());

      it('a small group hears a member come online and go offline; a bigger group does not, and GET /api/users/:id still tells the truth', async () => {
        const [p, q, w, x] = await registerUsers(small.url, 4, 'aud');
        // 3 members: at the limit. 4 members: over it (p is in both).
        const smallGroup = (await p.api.post('/api/conversations/group', { title: 'Small', memberIds: [q.id, x.id] })).body.conversation.id;
        const bigGroup = (await w.api.post('/api/conversations/group', { title: 'Big', memberIds: [q.id, p.id, x.id] })).body.conversation.id;
        expect(smallGroup).toEqual(expect.any(String));
        const sp = await RawSocket.connect(small.wsUrl, p.token);
        const sw = await RawSocket.connect(small.wsUrl, w.token);
        const [mp, mw] = [sp.mark(), sw.mark()];
        const ofQ = (f: { type: string; presence?: { userId: string } }) => f.type === 'presence' && f.presence!.userId === q.id;

        const sq = await RawSocket.connect(small.wsUrl, q.token);
        const online = await sp.waitPush((f) => ofQ(f) && f.presence.status === 'online', mp);
        expect(online.presence).toEqual({ userId: q.id, status: 'online', lastSeenAt: null });
        // Barrier: q's presence was published before p got it; a message in the big group
        // published after it reaches w after anything published to that group before.
        const m1 = (await q.api.post(`/api/conversations/${bigGroup}/messages`, { clientMessageId: 'aud-1', kind: 'text', content: { body: 'hi all' } })).body.message;
        await sw.waitEvent(bigGroup, 'message.created', mw, m1.seq);
        expect(sw.pushesSince(mw, 'presence').filter(ofQ)).toEqual([]);
        expect((await w.api.get(`/api/users/${q.id}`)).body.presence).toEqual({ userId: q.id, status: 'online', lastSeenAt: null });

        await sq.close();
        const offline = await sp.waitPush((f) => ofQ(f) && f.presence.status === 'offline', mp);
        expect(offline.presence.lastSeenAt).toEqual(expect.any(Number));
        const m2 = (await x.api.post(`/api/conversations/${bigGroup}/messages`, { clientMessageId: 'aud-2', kind: 'text', content: { body: 'still here' } })).body.message;
        await sw.waitEvent(bigGroup, 'message.created', mw, m2.seq);
        expect(sw.pushesSince(mw, 'presence').filter(ofQ)).toEqual([]);
        expect((await w.api.get(`/api/users/${q.id}`)).body.presence).toEqual({ userId: q.id, status: 'offline', lastSeenAt: offline.presence.lastSeenAt });
        // p shares both groups with q and heard each change once, through the small one.
        expect(sp.pushesSince(mp, 'presence').filter(ofQ).map((f) => f.presence.status)).toEqual(['online', 'offline']);
        await Promise.all([sp.close(), sw.close()]);
      });

      it('a member of a big group still hears a peer through a direct conversation they share', async () => {
        const [q, w, x, y] = await registerUsers(small.url, 4, 'aud');
        await w.api.post('/api/conversations/group', { title: 'Big', memberIds: [q.id, x.id, y.id] });
        await w.api.post('/api/conversations/direct', { userId: q.id });
        const sw = await RawSocket.connect(small.wsUrl, w.token);
        const mw = sw.mark();
        const sq = await RawSocket.connect(small.wsUrl, q.token);
        await sw.waitPush((f) => f.type === 'presence' && f.presence.userId === q.id && f.presence.status === 'online', mw);
        await sq.close();
        await sw.waitPush((f) => f.type === 'presence' && f.presence.userId === q.id && f.presence.status === 'offline', mw);
        expect(sw.pushesSince(mw, 'presence').filter((f) => f.presence.userId === q.id).map((f) => f.presence.status)).toEqual(['online', 'offline']);
        await sw.close();
      });
    });
  });

  describe('receipts', () => {
    it('delivered and read watermarks are pushed as receipts to the other member', async () => {
      const [sa, sb] = await Promise.all([RawSocket.connect(server.wsUrl, a.token), RawSocket.connect(server.wsUrl, b.token)]);
      const m = (await sa.ok('send', { conversationId: conv, clientMessageId: 'rcpt-1', kind: 'text', content: { body: 'did you get this?' } })).message;
      const ma = sa.mark();
      const delivered = await sb.ok('delivered', { conversationId: conv, seq: m.seq });
      expect(delivered).toEqual({ deliveredSeq: m.seq });
      const r1 = await waitReceipt(sa, ma, (r) => r.userId === b.id && r.deliveredSeq === m.seq);
      expect(r1).toMatchObject({ conversationId: conv, userId: b.id, deliveredSeq: m.seq });
      expect(r1.readSeq).toBeLessThan(m.seq);

      const read = await sb.ok('read', { conversationId: conv, seq: m.seq });
      expect(read).toEqual({ readSeq: m.seq });
      const r2 = await waitReceipt(sa, ma, (r) => r.userId === b.id && r.readSeq === m.seq);
      expect(r2.receiptsVersion).toBeGreaterThan(r1.receiptsVersion);
      const mark2 = sa.mark();

      // An unchanged watermark pushes nothing; a barrier proves it.
      await sb.ok('read', { conversationId: conv, seq: m.seq });
      await sb.ok('delivered', { conversationId: conv, seq: 1 });
      const barrier = (await sa.ok('send', { conversationId: conv, clientMessageId: 'rcpt-barrier', kind: 'text', content: { body: 'b' } })).message;
      await sa.waitEvent(conv, 'message.created', mark2, barrier.seq);
      // Receipts are coalesced over a short window: wait past one flush with a fresh change.
      await sb.ok('delivered', { conversationId: conv, seq: barrier.seq });
      await waitReceipt(sa, mark2, (r) => r.userId === b.id && r.deliveredSeq === barrier.seq);
      const since = sa.pushesSince(mark2, 'receipts').flatMap((f) => (f as unknown as { receipts: Receipt[] }).receipts);
      expect(since.map((r) => r.deliveredSeq)).toEqual([barrier.seq]);
      await Promise.all([sa.close(), sb.close()]);
    });

    it('readReceipts off: others see readSeq null (pushes, member lists, sync), delivered still shared', async () => {
      const [p, q] = await registerUsers(server.url, 2, 'norcpt');
      const g = (await p!.api.post('/api/conversations/group', { title: 'r', memberIds: [q!.id] })).body.conversation.id;
      await q!.api.patch('/api/me/privacy', { readReceipts: false });
      const [sp, sq] = await Promise.all([RawSocket.connect(server.wsUrl, p!.token), RawSocket.connect(server.wsUrl, q!.token)]);
      const m = (await sp.ok('send', { conversationId: g, clientMessageId: 'nr-1', kind: 'text', content: { body: 'read me' } })).message;
      const mp = sp.mark();
      const read = await sq.ok('read', { conversationId: g, seq: m.seq });
      expect(read.readSeq).toBe(m.seq);
      const pushed = await waitReceipt(sp, mp, (r) => r.userId === q!.id);
      expect(pushed.readSeq).toBeNull();
      expect(pushed.deliveredSeq).toBe(m.seq);

      const member = (await p!.api.get(`/api/conversations/${g}`)).body.conversation.members.find((x: { user: { id: string } }) => x.user.id === q!.id);
      expect(member.readSeq).toBeNull();
      expect(member.deliveredSeq).toBe(m.seq);
      const sync = await sp.ok('sync', { conversations: [{ id: g, seq: m.seq, receiptsVersion: 0 }] });
      const receipts = sync.conversations.find((x: { id: string }) => x.id === g).receipts;
      expect(receipts.find((r: { userId: string }) => r.userId === q!.id).readSeq).toBeNull();
      // My own read mark still counts for me.
      const mine = (await q!.api.get(`/api/conversations/${g}`)).body.conversation;
      expect(mine.me.readSeq).toBe(m.seq);
      expect(mine.unreadCount).toBe(0);
      await Promise.all([sp.close(), sq.close()]);
    });

    it('the read reply reports the stored watermark (capped at the last seq) even with readReceipts off', async () => {
      const [p, q] = await registerUsers(server.url, 2, 'cap');
      const g = (await p!.api.post('/api/conversations/group', { title: 'cap', memberIds: [q!.id] })).body.conversation;
      await q!.api.patch('/api/me/privacy', { readReceipts: false });
      const sq = await RawSocket.connect(server.wsUrl, q!.token);
      expect(await sq.ok('read', { conversationId: g.id, seq: 1_000 })).toEqual({ readSeq: g.lastSeq });
      expect(await sq.ok('delivered', { conversationId: g.id, seq: 1_000 })).toEqual({ deliveredSeq: g.lastSeq });
      await sq.close();
    });
  });

  it('a user added to a group starts receiving its events on an open socket', async () => {
    const g = (await a.api.post('/api/conversations/group', { title: 'join', memberIds: [b.id] })).body.conversation.id;
    const sc = await RawSocket.connect(server.wsUrl, c.token);
    const mc = sc.mark();
    await a.api.post(`/api/conversations/${g}/members`, { userIds: [c.id] });
    const added = await sc.waitEvent(g, 'member.added', mc);
    expect(added.userId).toBe(c.id);
    const m = (await b.api.post(`/api/conversations/${g}/messages`, { clientMessageId: 'join-1', kind: 'text', content: { body: 'welcome c' } })).body.message;
    const ev = await sc.waitEvent(g, 'message.created', mc, m.seq);
    expect(ev.message.content.body).toBe('welcome c');
    await sc.close();
  });
});
