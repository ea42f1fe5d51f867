/**
 * Accounts and sessions over raw HTTP and raw WebSocket: register, login, refresh
 * rotation and reuse detection, logout, logout everywhere, token expiry, forged
 * tokens, the login brute-force limit, profile, privacy and people search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { CLOSE, PROTOCOL_VERSION } from '@parley/protocol';
import type { TestNode } from '../testing';
import { describeEachBackend } from '../test-support/backends';
import { Api, call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { movableClock, PASSWORD, registerUser, signingKeyOf, testRateLimits, uniqueName, type TestUser } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };

describeEachBackend('accounts and sessions', (backend) => {
  let server: Server;
  let api: Api;

  beforeAll(async () => {
    server = await backend.startServer({ config: { rateLimits: testRateLimits() } });
    api = new Api(server.url);
  });
  afterAll(() => server.close());

  const login = (username: string, password = PASSWORD) => api.post('/api/auth/login', { username, password });

  it('registers (201) and refuses a taken username (409 USERNAME_TAKEN)', async () => {
    const username = uniqueName('reg');
    const res = await api.post('/api/auth/register', { username, password: PASSWORD, displayName: 'Reggie' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ username, displayName: 'Reggie', privacy: { lastSeen: 'everyone', readReceipts: true } });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.body.expiresIn).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toContain('passwordHash');

    const again = await api.post('/api/auth/register', { username, password: PASSWORD });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('USERNAME_TAKEN');

    const me = await api.get('/api/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it('logs in with the right password and answers INVALID_CREDENTIALS otherwise', async () => {
    const u = await registerUser(server.url, 'login');
    const ok = await login(u.username);
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(u.id);

    const wrong = await login(u.username, 'wrong password!');
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');

    const unknown = await login(uniqueName('nobody'));
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('rotates refresh tokens; reusing a spent one revokes the whole family', async () => {
    const u = await registerUser(server.url, 'rot');
    const r1 = u.refreshToken;
    const second = await api.post('/api/auth/refresh', { refreshToken: r1 });
    expect(second.status).toBe(200);
    const r2: string = second.body.refreshToken;
    expect(r2).not.toBe(r1);
    expect((await api.get('/api/me', { token: second.body.accessToken })).status).toBe(200);

    // r1 is spent: presenting it again is reuse.
    const reuse = await api.post('/api/auth/refresh', { refreshToken: r1 });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('INVALID_REFRESH_TOKEN');

    // ...and the newer token of the same family stops working too.
    const newer = await api.post('/api/auth/refresh', { refreshToken: r2 });
    expect(newer.status).toBe(401);
    expect(newer.body.code).toBe('INVALID_REFRESH_TOKEN');

    // Another session (another family) of the same user is untouched.
    const other = await login(u.username);
    expect((await api.post('/api/auth/refresh', { refreshToken: other.body.refreshToken })).status).toBe(200);
  });

  it('refuses unknown refresh tokens', async () => {
    const res = await api.post('/api/auth/refresh', { refreshToken: randomBytes(32).toString('base64url') });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('logout ends that session only', async () => {
    const u = await registerUser(server.url, 'logout');
    const other = await login(u.username);
    const res = await api.post('/api/auth/logout', { refreshToken: u.refreshToken });
    expect(res.status).toBe(204);
    expect((await api.post('/api/auth/refresh', { refreshToken: u.refreshToken })).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await api.post('/api/auth/refresh', { refreshToken: other.body.refreshToken })).status).toBe(200);
    // Logging out an unknown token is not an error (idempotent).
    expect((await api.post('/api/auth/logout', { refreshToken: 'unknown-token' })).status).toBe(204);
  });

  it('logout-all revokes every access and refresh token and closes open sockets with 4403', async () => {
    const u = await registerUser(server.url, 'all');
    const second = (await login(u.username)).body;
    const sockA = await RawSocket.connect(server.wsUrl, u.token);
    const sockB = await RawSocket.connect(server.wsUrl, second.accessToken);

    const res = await u.api.post('/api/auth/logout-all');
    expect(res.status).toBe(204);

    expect((await sockA.closed).code).toBe(CLOSE.SESSION_REVOKED);
    expect((await sockB.closed).code).toBe(CLOSE.SESSION_REVOKED);
    for (const token of [u.token, second.accessToken]) {
      const me = await api.get('/api/me', { token });
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('UNAUTHENTICATED');
    }
    for (const refreshToken of [u.refreshToken, second.refreshToken]) {
      expect((await api.post('/api/auth/refresh', { refreshToken })).body.code).toBe('INVALID_REFRESH_TOKEN');
    }
    // An old token cannot open a socket either.
    const late = await RawSocket.open(server.wsUrl);
    late.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: u.token });
    expect((await late.closed).code).toBe(CLOSE.UNAUTHENTICATED);
    // A fresh login works.
    const fresh = await login(u.username);
    expect(fresh.status).toBe(200);
    expect((await api.get('/api/me', { token: fresh.body.accessToken })).status).toBe(200);
  });

  describe('forged and malformed access tokens → 401 UNAUTHENTICATED, WebSocket 4401', () => {
    let victim: TestUser;
    const forgeries: Record<string, () => Promise<string>> = {};

    beforeAll(async () => {
      victim = await registerUser(server.url, 'victim');
      const key = signingKeyOf(server);
      const now = Math.floor(Date.now() / 1000);
      const real = JSON.parse(Buffer.from(victim.token.split('.')[1]!, 'base64url').toString()) as { sv: number };
      const claims = (over: Record<string, unknown> = {}) => ({ sub: victim.id, sv: real.sv, iss: 'parley', aud: 'parley-api', iat: now, exp: now + 600, ...over });
      const sign = (header: Record<string, unknown>, payload: Record<string, unknown>, k: Uint8Array = key) =>
        new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(k);
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

      // Control: the same recipe with nothing changed must be accepted, or the rest proves nothing.
      forgeries.control = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims());
      forgeries['wrong key'] = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims(), randomBytes(32));
      forgeries['alg none'] = async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`;
      forgeries['alg HS512'] = () => sign({ alg: 'HS512', typ: 'at+jwt' }, claims(), new Uint8Array([...key, ...key]));
      forgeries['alg HS512 same key'] = () => sign({ alg: 'HS512', typ: 'at+jwt' }, claims());
      forgeries['typ JWT'] = () => sign({ alg: 'HS256', typ: 'JWT' }, claims());
      forgeries['no typ'] = () => sign({ alg: 'HS256' }, claims());
      forgeries['wrong aud'] = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims({ aud: 'someone-else' }));
      forgeries['wrong iss'] = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims({ iss: 'evil' }));
      forgeries['expired'] = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims({ iat: now - 7200, exp: now - 3600 }));
      forgeries['no exp'] = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims({ exp: undefined }));
      forgeries['old session version'] = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims({ sv: real.sv - 1 }));
      forgeries['unknown user'] = () => sign({ alg: 'HS256', typ: 'at+jwt' }, claims({ sub: 'nobody' }));
      forgeries['tampered payload'] = async () => {
        const [h, , s] = (await forgeries.control!()).split('.');
        return `${h}.${b64(claims({ sub: 'someone' }))}.${s}`;
      };
      forgeries.garbage = async () => 'not.a.jwt';
      forgeries['random bytes'] = async () => randomBytes(40).toString('base64url');
    });

    it('accepts the control token (the forgery recipe itself is sound)', async () => {
      const token = await forgeries.control!();
      expect((await api.get('/api/me', { token })).status).toBe(200);
      const sock = await RawSocket.connect(server.wsUrl, token);
      await sock.close();
    });

    const names = ['wrong key', 'alg none', 'alg HS512', 'alg HS512 same key', 'typ JWT', 'no typ', 'wrong aud', 'wrong iss', 'expired', 'no exp', 'old session version', 'unknown user', 'tampered payload', 'garbage', 'random bytes'];
    it.each(names)('%s', async (name) => {
      const token = await forgeries[name]!();
      const res = await api.get('/api/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      const sock = await RawSocket.open(server.wsUrl);
      sock.send({ type: 'hello', protocol: PROTOCOL_VERSION, token });
      expect((await sock.closed).code).toBe(CLOSE.UNAUTHENTICATED);
    });

    it('no token, an empty bearer, or another scheme → 401', async () => {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer ' }, { authorization: `Basic ${victim.token}` }, { authorization: `Bearer ${victim.token} extra` }]) {
        const res = await call(server.url, 'GET', '/api/me', { headers });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('UNAUTHENTICATED');
      }
    });
  });

  it('updates the profile', async () => {
    const u = await registerUser(server.url, 'prof');
    const res = await u.api.patch('/api/me', { displayName: '  Ada L.  ' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ displayName: 'Ada L.', avatarUrl: null });
    expect((await u.api.get('/api/me')).body.user).toMatchObject({ displayName: 'Ada L.', avatarUrl: null });
    const cleared = await u.api.patch('/api/me', { avatarUrl: null });
    expect(cleared.body.user.avatarUrl).toBeNull();

    // Avatars are uploaded (avatars.test.ts): no URL of any kind is accepted here.
    for (const bad of [{}, { avatarUrl: 'javascript:alert(1)' }, { avatarUrl: 'https://example.com/a.png' }, { displayName: '   ' }, { displayName: 'x'.repeat(65) }, { role: 'admin' }]) {
      const r = await u.api.patch('/api/me', bad);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('BAD_REQUEST');
    }
    expect((await u.api.get('/api/me')).body.user).toMatchObject({ displayName: 'Ada L.', avatarUrl: null, role: 'user' });
  });

  it('updates privacy settings', async () => {
    const u = await registerUser(server.url, 'priv');
    const res = await u.api.patch('/api/me/privacy', { lastSeen: 'nobody' });
    expect(res.status).toBe(200);
    expect(res.body.user.privacy).toEqual({ lastSeen: 'nobody', readReceipts: true });
    const res2 = await u.api.patch('/api/me/privacy', { readReceipts: false });
    expect(res2.body.user.privacy).toEqual({ lastSeen: 'nobody', readReceipts: false });
    for (const bad of [{}, { lastSeen: 'friends' }, { readReceipts: 'no' }]) {
      const r = await u.api.patch('/api/me/privacy', bad);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('BAD_REQUEST');
    }
  });

  it('finds people by username prefix', async () => {
    const tag = `s${randomBytes(3).toString('hex')}`;
    const [a, b] = [await registerUser(server.url, `${tag}a`), await registerUser(server.url, `${tag}b`)];
    const res = await a.api.get(`/api/users?prefix=${tag}`);
    expect(res.status).toBe(200);
    expect(res.body.users.map((x: { id: string }) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(JSON.stringify(res.body)).not.toMatch(/privacy|passwordHash/);
    const upper = await a.api.get(`/api/users?prefix=${tag.toUpperCase()}b`);
    expect(upper.body.users.map((x: { id: string }) => x.id)).toEqual([b.id]);
    const none = await a.api.get(`/api/users?prefix=${tag}zzz`);
    expect(none.body.users).toEqual([]);
    // LIKE wildcards are literal characters, not patterns.
    const wild = await a.api.get(`/api/users?prefix=${encodeURIComponent('%')}`);
    expect(wild.status).toBe(200);
    expect(wild.body.users).toEqual([]);
    expect((await a.api.get('/api/users?prefix=')).body.code).toBe('BAD_REQUEST');
    expect((await a.api.get('/api/users')).body.code).toBe('BAD_REQUEST');
  });

  it('shows another user by id, and USER_NOT_FOUND for an unknown id', async () => {
    const [a, b] = [await registerUser(server.url, 'ga'), await registerUser(server.url, 'gb')];
    const res = await a.api.get(`/api/users/${b.id}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: b.id, username: b.username });
    expect(res.body.presence).toMatchObject({ userId: b.id, status: 'offline' });
    const missing = await a.api.get('/api/users/0000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('USER_NOT_FOUND');
  });
});

describeEachBackend('access token expiry', (backend) => {
  it('an expired access token gets 401 over HTTP and close 4401 over WebSocket; refresh still works', async () => {
    const clock = movableClock();
    const server = await backend.startServer({ clock: clock.now, config: { rateLimits: testRateLimits(), accessTokenTtlSec: 60 } });
    try {
      const u = await registerUser(server.url, 'exp');
      expect((await u.api.get('/api/me')).status).toBe(200);
      clock.advance(61_000);
      const me = await u.api.get('/api/me');
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('UNAUTHENTICATED');
      const sock = await RawSocket.open(server.wsUrl);
      sock.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: u.token });
      expect((await sock.closed).code).toBe(CLOSE.UNAUTHENTICATED);

      const refreshed = await call(server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: u.refreshToken } });
      expect(refreshed.status).toBe(200);
      expect((await call(server.url, 'GET', '/api/me', { token: refreshed.body.accessToken })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('an expired refresh token is refused', async () => {
    const clock = movableClock();
    const server = await backend.startServer({ clock: clock.now, config: { rateLimits: testRateLimits(), refreshTokenTtlSec: 120 } });
    try {
      const u = await registerUser(server.url, 'rexp');
      clock.advance(121_000);
      const res = await call(server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: u.refreshToken } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    } finally {
      await server.close();
    }
  });
});

describeEachBackend('login brute-force limit', (backend) => {
  it('answers 429 RATE_LIMITED with Retry-After after too many attempts, even with the right password', async () => {
    const server = await backend.startServer({ config: { rateLimits: testRateLimits({ login: { limit: 3, windowMs: 60_000 } }) } });
    try {
      const u = await registerUser(server.url, 'brute');
      const attempt = (password: string) => call(server.url, 'POST', '/api/auth/login', { json: { username: u.username, password } });
      for (let i = 0; i < 3; i++) expect((await attempt('wrong password')).body.code).toBe('INVALID_CREDENTIALS');
      const limited = await attempt('wrong password');
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(limited.body.retryAfterMs).toBeGreaterThan(0);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
      const right = await attempt(PASSWORD);
      expect(right.status).toBe(429);
      expect(right.body.code).toBe('RATE_LIMITED');
      // Case variants of the username share the account's limit.
      const upper = await call(server.url, 'POST', '/api/auth/login', { json: { username: u.username.toUpperCase(), password: PASSWORD } });
      expect(upper.status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it('failures from other addresses never lock the owner out of a device they logged in from before', async () => {
    const server = await backend.startServer({ config: { trustProxy: 'local', rateLimits: testRateLimits({ login: { limit: 3, windowMs: 60_000 } }) } });
    try {
      const u = await registerUser(server.url, 'owner');
      const from = (address: string, password: string, cookie?: string) =>
        call(server.url, 'POST', '/api/auth/login', { json: { username: u.username, password }, headers: { 'x-forwarded-for': address, ...(cookie ? { cookie } : {}) } });
      // The owner logs in once from their laptop: it becomes a known device.
      const first = await from('198.51.100.1', PASSWORD);
      expect(first.status).toBe(200);
      const setCookie = first.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^parley_device=[^;]+; Path=\/api\/auth; Max-Age=\d+; HttpOnly; SameSite=Strict/);
      const device = setCookie.split(';')[0]!;

      // Many addresses guess the password, more than the account's limit.
      for (let i = 0; i < 12; i++) await from(`203.0.113.${i + 1}`, 'wrong password');
      // One address that keeps guessing is stopped on its own.
      for (let i = 0; i < 3; i++) await from('203.0.113.200', 'wrong password');
      expect((await from('203.0.113.200', 'wrong password')).status).toBe(429);

      // The owner's known device gets in, from its usual address and from a new one.
      expect((await from('198.51.100.1', PASSWORD, device)).status).toBe(200);
      expect((await from('192.0.2.50', PASSWORD, device)).status).toBe(200);
      // An unknown device is held to the account's limit while the attack lasts (and a
      // token of another account, or a forged one, does not make a device known).
      expect((await from('192.0.2.51', PASSWORD)).status).toBe(429);
      expect((await from('192.0.2.51', PASSWORD, `parley_device=${u.id}.99999999999.forged`)).status).toBe(429);
      const other = await registerUser(server.url, 'other');
      const otherLogin = await call(server.url, 'POST', '/api/auth/login', { json: { username: other.username, password: PASSWORD } });
      const otherDevice = (otherLogin.headers.get('set-cookie') ?? '').split(';')[0]!;
      expect((await from('192.0.2.52', PASSWORD, otherDevice)).status).toBe(429);
    } finally {
      await server.close();
    }
  });
});
