/**
 * Revoking one session ends it at once (issue 16, item 7), on SQLite and PostgreSQL:
 * refresh-token reuse and logout refuse that session's current access token (401) and
 * close its sockets with 4403 from the moment they answer, and leave the user's other
 * sessions alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, PROTOCOL_VERSION } from '@parley/protocol';
import { startTestServer, type TestNode } from '../testing';
import type { Store } from '../store/port';
import { Api, call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUser, testRateLimits, type TestUser } from '../test-support/users';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

type Factory = () => Promise<{ store?: Store; cleanup: () => Promise<void> }>;
interface Session {
  accessToken: string;
  refreshToken: string;
}

function revocationSuite(backend: string, factory: Factory) {
  describe(`session revocation (${backend})`, () => {
    let server: TestNode & { close(): Promise<void> };
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const made = await factory();
      cleanup = made.cleanup;
      server = await startTestServer({ config: { rateLimits: testRateLimits() }, ...(made.store ? { store: made.store } : {}) });
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    const me = async (token: string) => (await new Api(server.url, token).get('/api/me')).status;
    const post = (path: string, json: unknown) => call(server.url, 'POST', path, { json });
    const login = async (u: TestUser): Promise<Session> => (await post('/api/auth/login', { username: u.username, password: u.password })).body;
    const refresh = async (refreshToken: string) => post('/api/auth/refresh', { refreshToken });

    it('reusing a spent refresh token refuses the family\'s current access token at once and closes its socket with 4403; the other session stays', async () => {
      const u = await registerUser(server.url, 'reuse');
      const other = await login(u);
      const next = (await refresh(u.refreshToken)).body as Session;
      const [sock, otherSock] = [await RawSocket.connect(server.wsUrl, next.accessToken), await RawSocket.connect(server.wsUrl, other.accessToken)];
      expect(await me(next.accessToken)).toBe(200);

      const reused = await refresh(u.refreshToken);
      expect(reused.status).toBe(401);
      expect(reused.body.code).toBe('INVALID_REFRESH_TOKEN');

      expect(await me(next.accessToken)).toBe(401);
      expect(await me(u.token)).toBe(401);
      expect((await sock.closed).code).toBe(CLOSE.SESSION_REVOKED);
      expect((await refresh(next.refreshToken)).status).toBe(401);
      // A new socket of the revoked session is refused at hello.
      const again = await RawSocket.open(server.wsUrl);
      again.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: next.accessToken });
      expect((await again.closed).code).toBe(CLOSE.UNAUTHENTICATED);

      expect(await me(other.accessToken)).toBe(200);
      expect(otherSock.isOpen).toBe(true);
      expect((await otherSock.request('ping')).ok).toBe(true);
      expect((await refresh(other.refreshToken)).status).toBe(200);
      await otherSock.close();
    });

    it('logout ends that session\'s access token and sockets at once; the other session stays', async () => {
      const u = await registerUser(server.url, 'logout');
      const other = await login(u);
      const [sock, otherSock] = [await RawSocket.connect(server.wsUrl, u.token), await RawSocket.connect(server.wsUrl, other.accessToken)];
      expect((await post('/api/auth/logout', { refreshToken: u.refreshToken })).status).toBe(204);
      expect(await me(u.token)).toBe(401);
      expect((await sock.closed).code).toBe(CLOSE.SESSION_REVOKED);
      // Renewing an open socket with the revoked session's token is refused, and changes nothing.
      const renewed = await otherSock.request('auth', { token: u.token });
      expect(renewed).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      expect(await me(other.accessToken)).toBe(200);
      expect(otherSock.isOpen).toBe(true);
      await otherSock.close();
    });
  });
}

revocationSuite('sqlite', async () => ({ cleanup: async () => {} }));

const pg = await postgresReachable();
describeWithPostgres('session revocation (postgres)', pg, () => revocationSuite('postgres', () => postgresTestStore()));
