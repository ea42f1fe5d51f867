/**
 * The operations table: every operation reachable and limited (or saying why not), and
 * one budget per operation whichever transport reaches it (issue 17, item 3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestFrame, ROUTES } from '@parley/protocol';
import { startTestServer, type TestNode } from '../testing';
import { RawSocket } from '../test-support/ws-client';
import { registerUser, registerUsers, testRateLimits } from '../test-support/users';
import { HTTP_BINDINGS, OPERATIONS, WS_BINDINGS } from './table';

describe('the table', () => {
  it('binds every route and every request op, and every operation is bound to something', () => {
    expect(Object.keys(HTTP_BINDINGS).sort()).toEqual(Object.keys(ROUTES).sort());
    const ops = RequestFrame.options.map((o) => o.shape.op.value).sort();
    expect(Object.keys(WS_BINDINGS).sort()).toEqual(ops);
    const bound = new Set([...Object.values(HTTP_BINDINGS), ...Object.values(WS_BINDINGS)].map((b) => b.operation));
    for (const [name, op] of Object.entries(OPERATIONS)) expect(bound.has(op as never), name).toBe(true);
  });

  it('gives every operation a rate rule, or the reason it has none', () => {
    for (const [name, op] of Object.entries(OPERATIONS)) {
      if (op.rate.rule === null) expect(op.rate.why.length, name).toBeGreaterThan(10);
      else expect(['login', 'register', 'send', 'typing', 'request', 'export', 'erase'], name).toContain(op.rate.rule);
    }
  });

  it('binds routes to operations that need the same authentication as the route declares', () => {
    for (const [name, binding] of Object.entries(HTTP_BINDINGS)) expect(binding.operation.auth, name).toBe(ROUTES[name as keyof typeof ROUTES].auth);
    for (const [name, binding] of Object.entries(WS_BINDINGS)) expect(binding.operation.auth, name).toBe(true);
  });
});

describe('one budget per operation, whichever transport', () => {
  let server: TestNode & { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer({
      config: { rateLimits: testRateLimits({ request: { limit: 3, windowMs: 60_000 }, login: { limit: 1, windowMs: 60_000 }, erase: { limit: 2, windowMs: 60_000 } }) },
    });
  });
  afterAll(() => server.close());

  it('a sync over HTTP and a sync over WebSocket count under one key', async () => {
    const u = await registerUser(server.url, 'syncb');
    const sock = await RawSocket.connect(server.wsUrl, u.token);
    expect((await u.api.post('/api/sync', { unknown: 'heads' })).status).toBe(200);
    expect((await sock.request('sync', { unknown: 'heads' })).ok).toBe(true);
    expect((await u.api.post('/api/sync', { unknown: 'heads' })).status).toBe(200);
    const ws = await sock.request('sync', { unknown: 'heads' });
    expect(ws).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(ws.error.retryAfterMs).toBeGreaterThan(0);
    const http = await u.api.post('/api/sync', { unknown: 'heads' });
    expect(http.status).toBe(429);
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await sock.close();
  });

  it('a send counts against the send budget only, not the request budget as well', async () => {
    const [a, b] = await registerUsers(server.url, 2, 'sendb');
    const conv = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id;
    for (let i = 0; i < 5; i++) expect((await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: `sb-${i}`, kind: 'text', content: { body: `message ${i}` } })).status).toBe(201);
    // Two requests of the budget of three were left after the direct conversation.
    expect((await a.api.get('/api/me')).status).toBe(200);
    expect((await a.api.get('/api/me')).status).toBe(200);
    expect((await a.api.get('/api/me')).status).toBe(429);
  });

  it('account erasure has its own budget, not the login rule\'s', async () => {
    const u = await registerUser(server.url, 'eraseb');
    // The login rule allows one attempt here; erasure allows two.
    for (let i = 0; i < 2; i++) expect((await u.api.delete('/api/me', { json: { password: 'not the password' } })).body.code).toBe('INVALID_CREDENTIALS');
    expect((await u.api.delete('/api/me', { json: { password: u.password } })).body.code).toBe('RATE_LIMITED');
    // Logging in is untouched by those attempts.
    const login = await u.api.post('/api/auth/login', { username: u.username, password: u.password });
    expect(login.status).toBe(200);
  });
});
