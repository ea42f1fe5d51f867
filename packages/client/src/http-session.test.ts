import { describe, expect, it } from 'vitest';
import type { Me, UserId } from '@parley/protocol';
import { ParleyClient } from './client';
import { memoryStorage } from './storage';

const me: Me = {
  id: 'u1' as UserId,
  username: 'alice',
  displayName: 'Alice',
  avatarUrl: null,
  privacy: { lastSeen: 'everyone', readReceipts: true },
  role: 'user',
  createdAt: 0,
};

/**
 * A fake auth server behind fetch: access tokens are valid until revoked, refresh
 * tokens rotate, and reusing a spent one revokes everything (like the real server).
 */
function fakeServer(opts: { expiresIn?: number } = {}) {
  let n = 0;
  const valid = new Set<string>();
  const refreshTokens = new Set<string>();
  const spent = new Set<string>();
  const calls: { method: string; path: string; auth: string | null; body: unknown }[] = [];
  let refreshes = 0;
  let reuses = 0;
  const session = () => {
    const accessToken = `at${++n}`;
    const refreshToken = `rt${n}`;
    valid.add(accessToken);
    refreshTokens.add(refreshToken);
    return { user: me, accessToken, refreshToken, expiresIn: opts.expiresIn ?? 900 };
  };
  const json = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const auth = (init?.headers as Record<string, string> | undefined)?.authorization ?? null;
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method: init?.method ?? 'GET', path: url.pathname + url.search, auth, body });
    await new Promise((r) => setTimeout(r, 1)); // let concurrent callers overlap
    const path = url.pathname;
    if (path === '/api/auth/login') return json(200, session());
    if (path === '/api/auth/refresh') {
      refreshes++;
      const rt = body.refreshToken as string;
      if (!refreshTokens.has(rt)) {
        if (spent.has(rt)) reuses++;
        valid.clear();
        refreshTokens.clear();
        return json(401, { code: 'INVALID_REFRESH_TOKEN', message: 'spent' });
      }
      refreshTokens.delete(rt);
      spent.add(rt);
      return json(200, session());
    }
    if (path === '/api/auth/logout') return new Response(null, { status: 204 });
    const token = auth?.replace(/^Bearer /, '') ?? '';
    if (!valid.has(token)) return json(401, { code: 'UNAUTHENTICATED', message: 'no' });
    if (path === '/api/me') return json(200, { user: me });
    if (path === '/api/users') return json(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'retry-after': '2' });
    if (path.startsWith('/api/conversations/')) return json(404, { code: 'NOT_FOUND', message: 'no' });
    return json(404, { code: 'ROUTE_NOT_FOUND', message: 'no' });
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    calls,
    revokeAccess: () => valid.clear(),
    get refreshes() {
      return refreshes;
    },
    get reuses() {
      return reuses;
    },
  };
}

describe('ParleyClient REST and session', () => {
  it('logs in, keeps the session in storage, and a new client restores it', async () => {
    const server = fakeServer();
    const storage = memoryStorage();
    const a = new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch, storage });
    expect(a.user).toBeNull();
    expect(await a.login({ username: 'alice', password: 'password1' })).toEqual(me);
    const b = new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch, storage });
    expect(b.restoreSession()).toBe(true);
    expect(b.user?.id).toBe(me.id);
    expect((await b.request('me')).user.id).toBe(me.id);
    expect(server.calls.at(-1)?.auth).toBe('Bearer at1');
  });

  it('concurrent 401s share one refresh (a rotated token is never spent twice), then every request succeeds', async () => {
    const server = fakeServer();
    const client = new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch });
    await client.login({ username: 'alice', password: 'password1' });
    server.revokeAccess();
    const results = await Promise.all(Array.from({ length: 5 }, () => client.request('me')));
    expect(results.every((r) => r.user.id === me.id)).toBe(true);
    expect(server.refreshes).toBe(1);
    expect(server.reuses).toBe(0);
  });

  it('refreshes before use when the access token is about to expire', async () => {
    const server = fakeServer({ expiresIn: 0 });
    const client = new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch });
    await client.login({ username: 'alice', password: 'password1' });
    await Promise.all([client.request('me'), client.request('me')]);
    expect(server.refreshes).toBeGreaterThanOrEqual(1);
    expect(server.reuses).toBe(0);
    // No request went out with a token the client knew to be expired.
    expect(server.calls.filter((c) => c.path === '/api/me').every((c) => c.auth !== 'Bearer at1')).toBe(true);
  });

  it('a refused refresh ends the session: storage cleared, sessionEnded emitted, the request fails', async () => {
    const server = fakeServer();
    const storage = memoryStorage();
    const client = new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch, storage });
    await client.login({ username: 'alice', password: 'password1' });
    // Someone else spent our refresh token: when we present it, the server refuses it.
    await server.fetch('http://x/api/auth/refresh', { method: 'POST', body: JSON.stringify({ refreshToken: 'rt1' }) });
    server.revokeAccess();
    const ended: string[] = [];
    client.on('sessionEnded', (r) => ended.push(r));
    await expect(client.request('me')).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    expect(ended).toEqual(['refresh_failed']);
    expect(client.user).toBeNull();
    expect(storage.getItem('parley.session')).toBeNull();
  });

  it('turns error bodies into ParleyError with code, status and Retry-After', async () => {
    const server = fakeServer();
    const client = new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch });
    await client.login({ username: 'alice', password: 'password1' });
    await expect(client.request('searchUsers', { query: { prefix: 'bo' } })).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 2000, retryable: true });
    await expect(client.request('getConversation', { params: { id: 'a/b' } })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false });
    expect(server.calls.at(-1)?.path).toBe('/api/conversations/a%2Fb');
    expect(server.calls.find((c) => c.path.startsWith('/api/users'))?.path).toBe('/api/users?prefix=bo');
  });

  it('a network failure is a retryable UNAVAILABLE', async () => {
    const client = new ParleyClient({
      baseUrl: 'https://x',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(client.login({ username: 'a', password: 'b' })).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });

  it('logout revokes the refresh token on the server and clears storage', async () => {
    const server = fakeServer();
    const storage = memoryStorage();
    const client = new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch, storage });
    await client.login({ username: 'alice', password: 'password1' });
    await client.logout();
    expect(server.calls.at(-1)).toMatchObject({ path: '/api/auth/logout', body: { refreshToken: 'rt1' } });
    expect(client.user).toBeNull();
    expect(storage.getItem('parley.session')).toBeNull();
    expect(new ParleyClient({ baseUrl: 'https://x', fetch: server.fetch, storage }).restoreSession()).toBe(false);
  });
});
