/**
 * A socket is authenticated once, by its hello, and must not outlive the access token
 * it showed: the gateway's periodic sweep closes it with 4401 (refresh, then reconnect)
 * once that token's exp has passed. Over a raw socket, no SDK.
 *
 * Two servers: one on the real clock with a 2 s token lifetime and a 50 ms sweep (what
 * a client sees, in about two seconds), and one on a movable clock whose sweep the test
 * runs itself (exactly when a socket is closed, no waiting at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '@parley/protocol';
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

async function refreshed(server: Server, refreshToken: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await call(server.url, 'POST', '/api/auth/refresh', { json: { refreshToken } });
  expect(res.status).toBe(200);
  return res.body;
}

describe('access token expiry on an open socket (real clock, 2 s tokens)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits(), accessTokenTtlSec: 2, gatewayTickMs: 50 } });
  });
  afterAll(() => server.close());

  it('closes the socket with 4401 once its token has expired; a refreshed token says hello again', async () => {
    const u = await registerUser(server.url, 'exp');
    const expiresAt = expiresAtOf(u.token);
    const sock = await RawSocket.connect(server.wsUrl, u.token);
    expect((await sock.request('ping')).ok).toBe(true);

    const closed = await closedWithin(sock, expiresAt - Date.now() + 5000);
    const closedAt = Date.now();
    expect(closed).toEqual({ code: CLOSE.UNAUTHENTICATED, reason: 'access token expired' });
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt);
    // Within a sweep or so of expiry (generous: a loaded CI box is slow).
    expect(closedAt - expiresAt).toBeLessThan(3000);

    // What 4401 asks for: refresh, reconnect.
    const next = await refreshed(server, u.refreshToken);
    const again = await RawSocket.connect(server.wsUrl, next.accessToken);
    expect((await again.request('ping')).ok).toBe(true);
    await again.close();
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
});
