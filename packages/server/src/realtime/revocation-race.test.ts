/**
 * "Log out everywhere" must close every socket, including one whose hello was being
 * served at that moment: authenticated just before the revocation, but subscribed to
 * the user's topic just after its close signal was published. The store is wrapped so
 * the test can hold a hello at exactly that point.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOSE, PROTOCOL_VERSION, type UserId } from '@parley/protocol';
import { openStore } from '../adapters';
import { startTestServer, testConfig, type TestNode } from '../testing';
import type { Store } from '../store/port';
import { RawSocket } from '../test-support/ws-client';
import { registerUser, testRateLimits } from '../test-support/users';

/** A store whose listConversationIds (read during hello, after authentication) can be held for one user. */
function holdableStore(inner: Store) {
  let hold: { userId: UserId; reached: () => void; release: Promise<void> } | null = null;
  const store = new Proxy(inner, {
    get(target, key) {
      if (key === 'listConversationIds') {
        return async (userId: UserId) => {
          const h = hold;
          if (h && h.userId === userId) {
            hold = null;
            h.reached();
            await h.release;
          }
          return target.listConversationIds(userId);
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store,
    /** Resolves `reached` when a hello for userId is held; call release() to let it go on. */
    holdNext(userId: UserId) {
      let release!: () => void;
      let reached!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const reachedP = new Promise<void>((r) => (reached = r));
      hold = { userId, reached, release: released };
      return { reached: reachedP, release };
    },
  };
}

let inner: Store;
let server: TestNode & { close(): Promise<void> };
let holdable: ReturnType<typeof holdableStore>;

beforeAll(async () => {
  const config = testConfig({ rateLimits: testRateLimits() });
  inner = await openStore(config);
  holdable = holdableStore(inner);
  server = await startTestServer({ store: holdable.store, config });
});
afterAll(async () => {
  await server.close();
  await inner.close();
});

it('a socket whose hello straddles a logout-all is closed with 4403', async () => {
  const u = await registerUser(server.url, 'race');
  const gate = holdable.holdNext(u.id);
  const sock = await RawSocket.open(server.wsUrl);
  sock.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: u.token });
  await gate.reached;
  expect((await u.api.post('/api/auth/logout-all')).status).toBe(204);
  gate.release();
  expect((await sock.closed).code).toBe(CLOSE.SESSION_REVOKED);
  expect(sock.frames.some((f) => f.type === 'welcome')).toBe(false);
});
