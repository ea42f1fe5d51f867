/**
 * Per-address limits hold behind a reverse proxy (issue 16.3). nginx appends the address
 * it saw to X-Forwarded-For; everything left of it was written by the client. So the
 * client is the right-most hop that is not a trusted proxy, never the first one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestNode } from '../testing';
import { loadConfig } from '../config';
import { call } from '../test-support/http-client';
import { registerUser, testRateLimits, uniqueName } from '../test-support/users';
import type { TrustProxy } from '../edge-config';

type Server = TestNode & { close(): Promise<void> };

const LIMITS = testRateLimits({
  login: { limit: 2, windowMs: 60_000 }, // per address: 5 × 2 = 10
  register: { limit: 3, windowMs: 60_000 },
  request: { limit: 4, windowMs: 60_000 }, // refresh is counted per address under this rule
});

/** Requests as nginx would forward them: the client's own header, then the hop nginx saw. */
async function statuses(server: Server, n: number, forwardedFor: (i: number) => string, req: (i: number) => { path: string; json: unknown }) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const { path, json } = req(i);
    out.push((await call(server.url, 'POST', path, { json, headers: { 'x-forwarded-for': forwardedFor(i) } })).status);
  }
  return out;
}

const login = () => ({ path: '/api/auth/login', json: { username: uniqueName('nobody'), password: 'not the password' } });
const register = () => ({ path: '/api/auth/register', json: { username: uniqueName('reg'), password: 'long enough password' } });
const refresh = () => ({ path: '/api/auth/refresh', json: { refreshToken: 'not-a-real-refresh-token' } });

describe.each<[string, TrustProxy, (i: number) => string]>([
  // The README recipe: nginx on this machine, PARLEY_TRUST_PROXY=1. The exact
  // header: the attacker varies the first hop, nginx appended the peer it saw.
  ['PARLEY_TRUST_PROXY=1 (nginx on this machine)', 'local', (i) => `203.0.0.${i}, 127.0.0.1`],
  // A list of proxies: a load balancer at 10.0.0.5 in front of nginx at 127.0.0.1.
  ['PARLEY_TRUST_PROXY=127.0.0.1,10.0.0.0/8', ['127.0.0.1', '10.0.0.0/8'], (i) => `203.0.0.${i}, 198.51.100.7, 10.0.0.5`],
])('%s', (_name, trustProxy, forwardedFor) => {
  let server: Server;

  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy, rateLimits: LIMITS } });
  });
  afterAll(() => server.close());

  it('login: a client varying X-Forwarded-For is still one address (429 after 10)', async () => {
    const got = await statuses(server, 12, forwardedFor, login);
    expect(got.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(got.slice(10)).toEqual([429, 429]);
  });

  it('register: 429 after 3 from one address', async () => {
    const got = await statuses(server, 4, forwardedFor, register);
    expect(got).toEqual([201, 201, 201, 429]);
  });

  it('refresh: 429 after 4 from one address', async () => {
    const got = await statuses(server, 5, forwardedFor, refresh);
    expect(got).toEqual([401, 401, 401, 401, 429]);
  });

  it('another real client behind the same proxy has its own budget', async () => {
    const other = trustProxy === 'local' ? '::1' : '198.51.100.99, 10.0.0.5';
    const res = await call(server.url, 'POST', '/api/auth/register', { json: register().json, headers: { 'x-forwarded-for': other } });
    expect(res.status).toBe(201);
  });
});

describe('without a trusted proxy', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy: 'none', rateLimits: LIMITS } });
  });
  afterAll(() => server.close());

  it('X-Forwarded-For is ignored: the TCP peer is the address', async () => {
    const got = await statuses(server, 4, (i) => `203.0.0.${i}`, register);
    expect(got).toEqual([201, 201, 201, 429]);
  });

  it('X-Forwarded-Proto is ignored: no HSTS over plain HTTP', async () => {
    const res = await call(server.url, 'GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('HSTS behind a trusted proxy that terminates TLS', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy: 'local' } });
  });
  afterAll(() => server.close());

  it('is sent when the proxy says the client used https, not otherwise', async () => {
    const https = await call(server.url, 'GET', '/healthz', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' } });
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(https.headers.get('content-security-policy')).toContain("img-src 'self' data: blob:");
    const plain = await call(server.url, 'GET', '/healthz', { headers: { 'x-forwarded-proto': 'http' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('PARLEY_TRUST_PROXY parsing', () => {
  it.each<[string | undefined, TrustProxy]>([
    [undefined, 'none'],
    ['', 'none'],
    ['0', 'none'],
    ['false', 'none'],
    ['1', 'local'],
    ['true', 'local'],
    ['10.0.0.0/8, 192.168.1.2', ['10.0.0.0/8', '192.168.1.2']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('%j → %j', (raw, want) => {
    expect(loadConfig(raw === undefined ? {} : { PARLEY_TRUST_PROXY: raw }).trustProxy).toEqual(want);
  });

  it('refuses what is not an address', () => {
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: 'nginx.local' })).toThrow(/PARLEY_TRUST_PROXY/);
  });

  it('a user registered through the proxy is a normal user', async () => {
    const server = await startTestServer({ config: { trustProxy: 'local', rateLimits: testRateLimits() } });
    try {
      expect((await registerUser(server.url, 'proxied')).token).toBeTruthy();
    } finally {
      await server.close();
    }
  });
});
