/**
 * Kinds and relations over raw HTTP, on every backend: an encrypted message is stored and
 * delivered as sent but never searched; clients cannot send `system`; an
 * edit keeps the kind; replyTo round-trips and a relation outside the conversation is
 * RELATION_INVALID. Every refusal stores nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestNode } from '../testing';
import { describeEachBackend } from '../test-support/backends';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };
const ENCRYPTED = { kind: 'encrypted', content: { algorithm: 'test-1', ciphertext: 'bWVldCBhdCB0aGUgb2xkIG1pbGw=' } };

describeEachBackend('message kinds', (backend) => {
  let server: Server;
  let a: TestUser, b: TestUser;
  let n = 0;
  const cid = () => `kind-${++n}`;

  beforeAll(async () => {
    server = await backend.startServer({ config: { rateLimits: testRateLimits() } });
    [a, b] = await registerUsers(server.url, 2, 'kind');
  });
  afterAll(() => server.close());

  const group = async () => (await a.api.post('/api/conversations/group', { title: 'K', memberIds: [b.id] })).body.conversation.id as string;
  const post = (who: TestUser, conv: string, send: Record<string, unknown>) => who.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cid(), ...send });
  const events = async (conv: string) => (await b.api.get(`/api/conversations/${conv}/events?after=0`)).body.events as unknown[];

  it('stores an encrypted message as sent, and never finds it by search', async () => {
    const conv = await group();
    const sent = await post(a, conv, ENCRYPTED);
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject(ENCRYPTED);
    expect((await b.api.get(`/api/conversations/${conv}/messages`)).body.messages.at(-1)).toEqual(sent.body.message);
    for (const q of ['bWVldCBhdCB0aGU', 'test-1']) {
      expect((await b.api.get(`/api/search?q=${encodeURIComponent(q)}`)).body.results).toEqual([]);
    }
  });

  it('refuses a system notice from a client (403 FORBIDDEN) and stores nothing', async () => {
    const conv = await group();
    const before = await events(conv);
    const res = await post(a, conv, { kind: 'system', content: { notice: 'welcome', text: 'I am the server' } });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await events(conv)).toEqual(before);
  });

  it('an edit keeps the kind: other content is 409 CONFLICT and changes nothing', async () => {
    const conv = await group();
    const m = (await post(a, conv, ENCRYPTED)).body.message;
    const res = await a.api.patch(`/api/conversations/${conv}/messages/${m.id}`, { kind: 'text', content: { body: 'plain now' } });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'CONFLICT' });
    const again = { kind: 'encrypted', content: { algorithm: 'test-1', ciphertext: 'bmV3' + 'IQ==' } };
    const ok = await a.api.patch(`/api/conversations/${conv}/messages/${m.id}`, again);
    expect(ok.status).toBe(200);
    expect(ok.body.message).toMatchObject({ ...again, editedAt: expect.any(Number) });
  });

  it('round-trips replyTo and threadRootId; a relation outside the conversation is 422 RELATION_INVALID, nothing stored', async () => {
    const conv = await group();
    const other = await group();
    const root = (await post(a, conv, { kind: 'text', content: { body: 'root' } })).body.message;
    const reply = await post(b, conv, { kind: 'text', content: { body: 'reply' }, replyTo: root.id, threadRootId: root.id });
    expect(reply.status).toBe(201);
    expect(reply.body.message).toMatchObject({ replyTo: root.id, threadRootId: root.id, targetId: null });
    expect((await b.api.get(`/api/conversations/${conv}/messages`)).body.messages.at(-1)).toMatchObject({ replyTo: root.id });
    const before = await events(other);
    for (const bad of [{ replyTo: root.id }, { threadRootId: root.id }, { replyTo: 'nosuchmessage' }, { targetId: root.id }]) {
      const res = await post(a, other, { kind: 'text', content: { body: `bad ${JSON.stringify(bad)}` }, ...bad });
      expect({ bad, status: res.status, code: res.body.code }).toEqual({ bad, status: 422, code: 'RELATION_INVALID' });
    }
    expect(await events(other)).toEqual(before);
  });
});
