/**
 * Test users and test-server settings. Registering costs one argon2 hash (~50 ms), so
 * suites register a few users once and reuse them where tests stay independent.
 */
import { randomBytes } from 'node:crypto';
import type { UserId } from '@parley/protocol';
import { loadConfig, type Config } from '../config';
import type { TestNode } from '../testing';
import { Api, call } from './http-client';

export interface TestUser {
  id: UserId;
  username: string;
  password: string;
  token: string;
  refreshToken: string;
  /** An Api bound to the node the user registered on and to the access token. */
  api: Api;
}

export const PASSWORD = 'correct horse battery';

/** A username that is unique across runs: lowercase, within LIMITS.usernameMax. */
export function uniqueName(prefix = 'u'): string {
  return `${prefix.slice(0, 16)}_${randomBytes(5).toString('hex')}`;
}

export async function registerUser(baseUrl: string, prefix = 'u', password = PASSWORD): Promise<TestUser> {
  const username = uniqueName(prefix);
  const res = await call(baseUrl, 'POST', '/api/auth/register', { json: { username, password } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.user.id,
    username,
    password,
    token: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    api: new Api(baseUrl, res.body.accessToken),
  };
}

type Tuple<N extends number, T, R extends T[] = []> = R['length'] extends N ? R : Tuple<N, T, [...R, T]>;

/** n users at once, typed as an n-tuple so destructuring needs no non-null assertions. */
export function registerUsers<N extends number>(baseUrl: string, n: N, prefix = 'u'): Promise<Tuple<N, TestUser>> {
  return Promise.all(Array.from({ length: n }, (_, i) => registerUser(baseUrl, `${prefix}${i}`))) as Promise<Tuple<N, TestUser>>;
}

/**
 * Rate limits for tests: the defaults allow 20 registrations per IP per hour and every
 * test client is 127.0.0.1, so registration is opened up; other rules keep their
 * defaults unless overridden.
 */
export function testRateLimits(overrides: Partial<Config['rateLimits']> = {}): Config['rateLimits'] {
  const defaults = loadConfig({}).rateLimits;
  return { ...defaults, register: { limit: 100_000, windowMs: 60_000 }, request: { limit: 100_000, windowMs: 60_000 }, ...overrides };
}

/**
 * The node's access-token signing key, so tests can forge tokens that differ from a
 * real one in exactly one way (alg, typ, aud, iss...). testing.ts does not expose the
 * secret, so this reads the services' private field (TypeScript allows bracket access).
 */
export function signingKeyOf(node: TestNode): Uint8Array {
  return node.app.services.auth['tokens']['secret'];
}

/** A clock tests can move: startTestServer({ clock: clock.now }). */
export function movableClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
