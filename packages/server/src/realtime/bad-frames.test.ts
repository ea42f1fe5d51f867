/**
 * Bad WebSocket frames change nothing (DESIGN.md invariant 7): each gets an error
 * reply with a stable code and leaves the socket open; nothing is stored or pushed;
 * the node stays healthy. Abuse closes the socket: a frame over the size limit (1009)
 * and a run of invalid frames (1008). Rate limits answer RATE_LIMITED with retryAfterMs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, LIMITS, PROTOCOL_VERSION } from '@parley/protocol';
import { startTestServer, type TestNode } from '../testing';
import { call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };

describe('bad frames change nothing', () => {
  let server: Server;
  let a: TestUser, b: TestUser;
  let conv: string;
  let listener: RawSocket;
  let barriers = 0;

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits() } });
    [a, b] = await registerUsers(server.url, 2, 'frames');
    conv = (await a.api.post('/api/conversations/group', { title: 'Target', memberIds: [b.id] })).body.conversation.id;
    listener = await RawSocket.connect(server.wsUrl, b.token);
  });
  afterAll(async () => {
    await listener.close();
    await server.close();
  });

  /** A send frame: `extra` over the data, `content` over a text message's content. */
  const send = (extra: Record<string, unknown>, content: Record<string, unknown> = {}) =>
    JSON.stringify({ type: 'req', id: 'bad', op: 'send', data: { conversationId: conv, clientMessageId: 'bad-frame', kind: 'text', content: { body: 'x', ...content }, ...extra } });
  const cases: { name: string; frame: string | Buffer; binary?: boolean; id: string | number | null }[] = [
    { name: 'invalid JSON', frame: '{"type":"req",', id: null },
    { name: 'a binary frame', frame: Buffer.from(JSON.stringify({ type: 'req', id: 'b1', op: 'ping' })), binary: true, id: null },
    { name: 'an unknown op', frame: JSON.stringify({ type: 'req', id: 'u1', op: 'drop_tables', data: {} }), id: 'u1' },
    { name: 'a missing id', frame: JSON.stringify({ type: 'req', op: 'ping' }), id: null },
    { name: 'an over-long id', frame: JSON.stringify({ type: 'req', id: 'i'.repeat(65), op: 'ping' }), id: null },
    { name: 'an object id', frame: JSON.stringify({ type: 'req', id: { $gt: 1 }, op: 'ping' }), id: null },
    { name: 'a second hello', frame: JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: 'x' }), id: null },
    { name: 'a JSON string', frame: '"ping"', id: null },
    { name: 'JSON null', frame: 'null', id: null },
    { name: 'a top-level "__proto__" key', frame: '{"type":"req","id":"p1","op":"ping","__proto__":{"polluted":"yes"}}', id: 'p1' },
    { name: 'a "__proto__" key in data', frame: send({}).replace('"body":"x"', '"body":"x","__proto__":{"polluted":"yes"}'), id: 'bad' },
    { name: 'a "constructor": {"prototype"} key in data', frame: send({}).replace('"body":"x"', '"body":"x","constructor":{"prototype":{"polluted":"yes"}}'), id: 'bad' },
    { name: 'unknown fields in data', frame: send({ senderId: 'someone' }), id: 'bad' },
    { name: 'wrong types in data', frame: send({}, { body: 42 }), id: 'bad' },
    { name: 'a body over LIMITS.bodyMax', frame: send({}, { body: 'y'.repeat(LIMITS.bodyMax + 1) }), id: 'bad' },
    { name: 'an empty body', frame: send({}, { body: '' }), id: 'bad' },
    { name: 'a whitespace body', frame: send({}, { body: '   \n ' }), id: 'bad' },
    { name: 'control characters', frame: send({}, { body: 'a\u0001b' }), id: 'bad' },
    { name: 'a path-traversal conversation id', frame: send({ conversationId: '../../etc' }), id: 'bad' },
    { name: 'a very long conversation id', frame: send({ conversationId: 'c'.repeat(5000) }), id: 'bad' },
    { name: 'an unknown kind', frame: send({ kind: 'poll' }), id: 'bad' },
    { name: 'a kind with the content of another', frame: send({ kind: 'encrypted' }), id: 'bad' },
    { name: 'ciphertext that is not base64', frame: send({ kind: 'encrypted', content: { algorithm: 'x', ciphertext: 'not base64!' } }), id: 'bad' },
    { name: 'an over-long title', frame: send({}, { title: 't'.repeat(LIMITS.titleMax + 1) }), id: 'bad' },
    { name: 'a negative read seq', frame: JSON.stringify({ type: 'req', id: 'r1', op: 'read', data: { conversationId: 'abc', seq: -1 } }), id: 'r1' },
    { name: 'a fractional seq', frame: JSON.stringify({ type: 'req', id: 'r2', op: 'delivered', data: { conversationId: 'abc', seq: 1.5 } }), id: 'r2' },
    { name: 'a bad typing state', frame: JSON.stringify({ type: 'req', id: 't1', op: 'typing', data: { conversationId: 'abc', state: 'maybe' } }), id: 't1' },
    // Ill-formed UTF-16 (issue 16.11): refused before any schema, in every field.
    { name: 'a lone surrogate in a body', frame: send({}).replace('"body":"x"', '"body":"x\\ud800"'), id: 'bad' },
    { name: 'a lone surrogate in a title', frame: send({}, { title: 'a\udc00' }), id: 'bad' },
    { name: 'a lone surrogate in a sync field', frame: JSON.stringify({ type: 'req', id: 's1', op: 'sync', data: { conversations: [{ id: 'a\ud800', seq: 0 }] } }), id: 's1' },
    { name: 'a right-to-left override in a body', frame: send({}, { body: 'see \u202Egnp.exe' }), id: 'bad' },
  ];

  it.each(cases)('$name → BAD_REQUEST, nothing stored or pushed, socket open', async (c) => {
    const before = (await a.api.get(`/api/conversations/${conv}/events?after=0`)).body.events;
    // A fresh socket per case: 20 invalid frames on one socket close it (tested below).
    const sender = await RawSocket.connect(server.wsUrl, a.token);
    const mark = listener.mark();
    const from = sender.mark();
    sender.sendRaw(c.frame, c.binary ?? false);
    const reply = await sender.waitFrame((f) => f.type === 'res' && f.ok === false, from);
    expect(reply).toMatchObject({ type: 'res', id: c.id, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Still open and serving; a good send is the barrier for "nothing pushed".
    expect(sender.isOpen).toBe(true);
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
    const good = await sender.ok('send', { conversationId: conv, clientMessageId: `frame-barrier-${++barriers}`, kind: 'text', content: { body: `barrier ${barriers}` } });
    await listener.waitEvent(conv, 'message.created', mark, good.message.seq);
    // (Presence is expected: the fresh sender socket brings a online.)
    const pushed = listener.pushesSince(mark).filter((f) => f.type !== 'presence');
    expect(pushed.map((f) => (f as { event?: { seq: number } }).event?.seq)).toEqual([good.message.seq]);
    const after = (await a.api.get(`/api/conversations/${conv}/events?after=0`)).body.events;
    expect(after.slice(0, -1)).toEqual(before);
    expect(sender.garbage).toEqual([]);
    await sender.close();
  });

  it.each([
    ['a system notice from a client', { kind: 'system', content: { notice: 'welcome', text: 'forged' } }, 'FORBIDDEN'],
    ['a reply to no message', { replyTo: 'nosuchmessage' }, 'RELATION_INVALID'],
    ['a target on a text message', { targetId: 'nosuchmessage' }, 'RELATION_INVALID'],
  ] as const)('%s → %s by the rules, nothing stored, socket open', async (_name, extra, code) => {
    const before = (await a.api.get(`/api/conversations/${conv}/events?after=0`)).body.events;
    const sock = await RawSocket.connect(server.wsUrl, a.token);
    const from = sock.mark();
    sock.sendRaw(send({ conversationId: conv, clientMessageId: `rule-${code}-${++barriers}`, ...extra }));
    expect(await sock.waitFrame((f) => f.type === 'res' && f.ok === false, from)).toMatchObject({ id: 'bad', error: { code } });
    expect(sock.isOpen).toBe(true);
    expect((await a.api.get(`/api/conversations/${conv}/events?after=0`)).body.events).toEqual(before);
    await sock.close();
  });

  it('a frame over 64 KiB closes the socket with 1009; nothing is stored', async () => {
    const sock = await RawSocket.connect(server.wsUrl, a.token);
    const before = (await a.api.get(`/api/conversations/${conv}/messages`)).body.messages.length;
    sock.sendRaw(send({ clientMessageId: 'huge' }, { body: 'h'.repeat(LIMITS.frameBytesMax) }));
    expect((await sock.closed).code).toBe(CLOSE.MESSAGE_TOO_BIG);
    expect((await a.api.get(`/api/conversations/${conv}/messages`)).body.messages.length).toBe(before);
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('a frame over 64 KiB before hello closes with 1009 too', async () => {
    const sock = await RawSocket.open(server.wsUrl);
    sock.sendRaw('x'.repeat(LIMITS.frameBytesMax + 1));
    expect((await sock.closed).code).toBe(CLOSE.MESSAGE_TOO_BIG);
  });

  it('20 invalid frames close the socket with 1008', async () => {
    const sock = await RawSocket.connect(server.wsUrl, a.token);
    for (let i = 0; i < 19; i++) sock.sendRaw('not json');
    await sock.waitFrame((f) => f.type === 'res' && sock.frames.filter((x) => x.type === 'res').length === 19);
    expect(sock.isOpen).toBe(true);
    sock.sendRaw('not json');
    expect((await sock.closed).code).toBe(CLOSE.POLICY_VIOLATION);
  });

  it('requests that fail for domain reasons (NOT_FOUND) do not count as invalid frames', async () => {
    const sock = await RawSocket.connect(server.wsUrl, a.token);
    for (let i = 0; i < 25; i++) {
      const res = await sock.request('typing', { conversationId: 'no-such-conversation', state: 'start' });
      expect(res.error.code).toBe('NOT_FOUND');
    }
    expect(sock.isOpen).toBe(true);
    await sock.close();
  });
});

describe('WebSocket and HTTP rate limits', () => {
  let server: Server;
  let a: TestUser, b: TestUser;
  let conv: string;

  beforeAll(async () => {
    server = await startTestServer({
      config: { rateLimits: testRateLimits({ send: { limit: 3, windowMs: 60_000 }, typing: { limit: 2, windowMs: 60_000 } }) },
    });
    [a, b] = await registerUsers(server.url, 2, 'rl');
    conv = (await a.api.post('/api/conversations/group', { title: 'rl', memberIds: [b.id] })).body.conversation.id;
  });
  afterAll(() => server.close());

  it('sending too fast answers RATE_LIMITED with retryAfterMs (WS) and 429 + Retry-After (HTTP); nothing is stored', async () => {
    const sock = await RawSocket.connect(server.wsUrl, a.token);
    for (let i = 0; i < 3; i++) expect((await sock.request('send', { conversationId: conv, clientMessageId: `rl-${i}`, kind: 'text', content: { body: `rate ${i}` } })).ok).toBe(true);
    const limited = await sock.request('send', { conversationId: conv, clientMessageId: 'rl-over', kind: 'text', content: { body: 'rate over' } });
    expect(limited.ok).toBe(false);
    expect(limited.error.code).toBe('RATE_LIMITED');
    expect(limited.error.retryAfterMs).toBeGreaterThan(0);
    const http = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'rl-http', kind: 'text', content: { body: 'rate http' } });
    expect(http.status).toBe(429);
    expect(http.body.code).toBe('RATE_LIMITED');
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const bodies = (await b.api.get(`/api/conversations/${conv}/messages`)).body.messages.map((m: { clientMessageId: string }) => m.clientMessageId);
    expect(bodies).toEqual(['rl-0', 'rl-1', 'rl-2']);
    // Limits are per user: b can still send.
    expect((await b.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'rl-b', kind: 'text', content: { body: 'rate b' } })).status).toBe(201);
    expect(sock.isOpen).toBe(true);
    await sock.close();
  });

  it('typing too often answers RATE_LIMITED and pushes nothing more', async () => {
    const [sa, sb] = await Promise.all([RawSocket.connect(server.wsUrl, a.token), RawSocket.connect(server.wsUrl, b.token)]);
    const mb = sb.mark();
    await sa.ok('typing', { conversationId: conv, state: 'start' });
    await sa.ok('typing', { conversationId: conv, state: 'start' });
    const limited = await sa.request('typing', { conversationId: conv, state: 'start' });
    expect(limited.error.code).toBe('RATE_LIMITED');
    expect(limited.error.retryAfterMs).toBeGreaterThan(0);
    // Barrier: b's own message comes back to b after the typing pushes.
    const barrier = (await b.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'typing-barrier', kind: 'text', content: { body: 'typing barrier' } })).body.message;
    await sb.waitEvent(conv, 'message.created', mb, barrier.seq);
    expect(sb.pushesSince(mb, 'typing')).toHaveLength(2);
    await Promise.all([sa.close(), sb.close()]);
  });
});
