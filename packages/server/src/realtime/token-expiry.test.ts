/**
 * A socket is authenticated by its hello and must not outlive the access token it
 * showed: the gateway's periodic sweep closes it with 4401 (refresh, then reconnect)
 * once that token's exp has passed, unless the socket renewed it first with the `auth`
 * request (a newer token of the same user). Over a raw socket, no SDK.
 *
 * Three servers: one on the real clock with a 2 s token lifetime and a 50 ms sweep (what
 * a client sees, in about two seconds), one on a movable clock whose sweep the test
 * runs itself (exactly when a socket is closed, no waiting at all), and one with a tiny
 * request budget for the rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, type UserId } from '@parley/protocol';
import { startTestServer, type TestNode } from '../testing';
import { call } from '../test-support/http-client';
import { RawSocket, type Closed } from '../test-support/ws-client';
import { movableClock, registerUser, testRateLimits } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };

/** The token's exp in epoch ms, read without verifying (the server verified it). */
function expiresAtOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
  return payload.exp * 1000;
}

/** The socket's close, or a failure after ms (so a regression fails fast, not at the test timeout). */
function closedWithin(sock: RawSocket, ms: number): Promise<Closed> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms)));
  return Promise.race([sock.closed, late]).finally(() => clearTimeout(timer));
}

/** Resolves once the real clock has reached `at` (epoch ms). */
const reached = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** The server-side connection of a user's only socket on that node. */
function connectionOf(server: Server, userId: UserId) {
  const conns = [...(server.app.gateway.routing.connectionsOf(userId) ?? [])];
  expect(conns).toHaveLength(1);
  return conns[0]!;
}

async function refreshed(server: Server, refreshToken: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await call(server.url, 'POST', '/api/auth/refresh', { json: { refreshToken } });
  expect(res.status).toBe(200);
  return res.body;
}

describe('access token expiry on an open socket (real clock, 4 s tokens)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits(), accessTokenTtlSec: 4, gatewayTickMs: 50 } });
  });
  afterAll(() => server.close());

  it('closes the socket with 4401 once its token has expired; a refreshed token says hello again', async () => {
    const u = await registerUser(server.url, 'exp');
    const expiresAt = expiresAtOf(u.token);
    const sock = await RawSocket.connect(server.wsUrl, u.token);
    expect((await sock.request('ping')).ok).toBe(true);

    const closed = await closedWithin(sock, expiresAt - Date.now() + 12_000);
    const closedAt = Date.now();
    expect(closed).toEqual({ code: CLOSE.UNAUTHENTICATED, reason: 'access token expired' });
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt);
    // Closed by the expiry sweep, not by the heartbeat (50 s): a cap sized for a loaded machine.
    expect(closedAt - expiresAt).toBeLessThan(10_000);

    // What 4401 asks for: refresh, reconnect.
    const next = await refreshed(server, u.refreshToken);
    const again = await RawSocket.connect(server.wsUrl, next.accessToken);
    expect((await again.request('ping')).ok).toBe(true);
    await again.close();
  });

  it('a socket that renews its token with `auth` stays open past the first token\'s expiry', async () => {
    const u = await registerUser(server.url, 'ren');
    const first = expiresAtOf(u.token);
    const sock = await RawSocket.connect(server.wsUrl, u.token);

    // exp has whole seconds: a token made over a second after the hello's expires later;
    // 2.5 s left to refresh and renew, room for a stalled event loop on a loaded machine.
    await reached(first - 2500);
    const next = await refreshed(server, u.refreshToken);
    const second = expiresAtOf(next.accessToken);
    expect(second).toBeGreaterThan(first);
    expect(await sock.request('auth', { token: next.accessToken })).toMatchObject({ ok: true, data: { expiresAt: second } });

    // Several 50 ms sweeps past the first token's expiry: still open, still answering.
    await reached(first + 500);
    expect((await sock.request('ping')).ok).toBe(true);
    expect(sock.isOpen).toBe(true);
    expect(sock.frames.some((f) => f.type === 'res' && f.ok === false)).toBe(false);
    await sock.close();
  });
});

describe('access token expiry on an open socket (movable clock, sweep run by the test)', () => {
  const clock = movableClock();
  let server: Server;
  /** One sweep of the gateway, as its timer would run it. */
  const sweep = () => server.app.gateway['tick']();
  beforeAll(async () => {
    // Shorter than the heartbeat window (2 × 25 s), so moving the clock to exp does not
    // also time the socket out as silent.
    server = await startTestServer({ clock: clock.now, config: { rateLimits: testRateLimits(), accessTokenTtlSec: 30 } });
  });
  afterAll(() => server.close());

  it('keeps a socket up to the last millisecond of its token, closes it at exp, and leaves sockets with later tokens open', async () => {
    const u = await registerUser(server.url, 'expm');
    const expiresAt = expiresAtOf(u.token);
    const first = await RawSocket.connect(server.wsUrl, u.token);

    clock.advance(expiresAt - 1 - clock.now());
    await sweep();
    // A reply after the sweep: had the sweep closed the socket, its close frame came first.
    expect((await first.request('ping')).ok).toBe(true);

    // A second device of the same user, with a token made now (it expires later).
    const next = await refreshed(server, u.refreshToken);
    expect(expiresAtOf(next.accessToken)).toBeGreaterThan(expiresAt);
    const second = await RawSocket.connect(server.wsUrl, next.accessToken);

    clock.advance(1);
    await sweep();
    expect((await closedWithin(first, 5000)).code).toBe(CLOSE.UNAUTHENTICATED);
    expect((await second.request('ping')).ok).toBe(true);
    expect(second.isOpen).toBe(true);
    await second.close();
  });

  it('`auth` with a newer token moves the socket\'s expiry to that token\'s exp, exactly', async () => {
    const u = await registerUser(server.url, 'renm');
    const first = expiresAtOf(u.token);
    const sock = await RawSocket.connect(server.wsUrl, u.token);

    clock.advance(10_000);
    const next = await refreshed(server, u.refreshToken);
    const second = expiresAtOf(next.accessToken);
    expect(second).toBe(first + 10_000);
    expect(await sock.request('auth', { token: next.accessToken })).toMatchObject({ ok: true, data: { expiresAt: second } });
    expect(connectionOf(server, u.id).accessExpiresAt).toBe(second);

    // The hello's token has expired: the socket is not closed for it.
    clock.advance(first - clock.now());
    await sweep();
    expect((await sock.request('ping')).ok).toBe(true);
    // The hello's token, expired now, is refused and changes nothing.
    expect(await sock.request('auth', { token: u.token })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(connectionOf(server, u.id).accessExpiresAt).toBe(second);

    // The new expiry is enforced like the old one was.
    clock.advance(second - 1 - clock.now());
    await sweep();
    expect((await sock.request('ping')).ok).toBe(true);
    clock.advance(1);
    await sweep();
    expect(await closedWithin(sock, 5000)).toEqual({ code: CLOSE.UNAUTHENTICATED, reason: 'access token expired' });
  });

  it('refuses a token of another user (FORBIDDEN) and changes nothing: same user, same expiry', async () => {
    const [u, w] = [await registerUser(server.url, 'own'), await registerUser(server.url, 'peer')];
    const first = expiresAtOf(u.token);
    const sock = await RawSocket.connect(server.wsUrl, u.token);
    clock.advance(10_000);
    // Valid, and it would outlive the socket's own token.
    const other = await registerUser(server.url, 'other');
    expect(expiresAtOf(other.token)).toBeGreaterThan(first);

    const res = await sock.request('auth', { token: other.token });
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const conn = connectionOf(server, u.id);
    expect(conn.userId).toBe(u.id);
    expect(conn.accessExpiresAt).toBe(first);
    expect(server.app.gateway.routing.connectionsOf(other.id)).toBeUndefined();

    // Still u's feed, not the other user's: the other's message to w is not pushed here,
    // w's message to u (the barrier, sent after it) is.
    const mark = sock.mark();
    expect((await other.api.post('/api/compose', { recipient: w.username, clientMessageId: 'not-for-u', body: 'to w', title: 'x' })).status).toBe(201);
    const barrier = await w.api.post('/api/compose', { recipient: u.username, clientMessageId: 'for-u', body: 'to u', title: 'x' });
    expect(barrier.status).toBe(201);
    await sock.waitEvent(barrier.body.conversation.id, 'message.created', mark);
    expect(sock.eventsSince(mark).every((e) => e.conversationId === barrier.body.conversation.id)).toBe(true);

    // And it is closed at its own token's expiry, not the other's.
    clock.advance(first - clock.now());
    await sweep();
    expect((await closedWithin(sock, 5000)).code).toBe(CLOSE.UNAUTHENTICATED);
  });

  it('refuses garbage with a stable code, and the socket keeps its expiry', async () => {
    const u = await registerUser(server.url, 'garb');
    const sock = await RawSocket.connect(server.wsUrl, u.token);
    const expiresAt = connectionOf(server, u.id).accessExpiresAt;
    const [head, payload, signature] = u.token.split('.') as [string, string, string];
    const forged = `${head}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const cases: [unknown, string][] = [
      [{ token: 'garbage' }, 'UNAUTHENTICATED'],
      [{ token: forged }, 'UNAUTHENTICATED'],
      [{ token: '' }, 'BAD_REQUEST'],
      [{}, 'BAD_REQUEST'],
      [undefined, 'BAD_REQUEST'],
      [{ token: 42 }, 'BAD_REQUEST'],
      [{ token: u.token, userId: 'someone' }, 'BAD_REQUEST'],
      [{ token: 'x'.repeat(5000) }, 'BAD_REQUEST'],
    ];
    for (const [data, code] of cases) {
      const res = await sock.request('auth', data);
      expect(res, JSON.stringify(data)?.slice(0, 60)).toMatchObject({ ok: false, error: { code } });
    }
    expect(connectionOf(server, u.id).accessExpiresAt).toBe(expiresAt);
    expect((await sock.request('ping')).ok).toBe(true);
    expect(sock.isOpen).toBe(true);
    await sock.close();
  });
});

describe('`auth` is rate limited like other requests', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits({ request: { limit: 2, windowMs: 60_000 } }) } });
  });
  afterAll(() => server.close());

  it('answers RATE_LIMITED with retryAfterMs past the per-user budget, and the socket stays', async () => {
    const u = await registerUser(server.url, 'rl');
    const sock = await RawSocket.connect(server.wsUrl, u.token);
    for (let i = 0; i < 2; i++) expect((await sock.request('auth', { token: u.token })).ok).toBe(true);
    const limited = await sock.request('auth', { token: u.token });
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(limited.error.retryAfterMs).toBeGreaterThan(0);
    expect((await sock.request('ping')).ok).toBe(true);
    await sock.close();
  });
});
