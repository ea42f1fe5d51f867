/**
 * welcome is the first frame a socket receives. The socket is routed before its hello
 * is finished (so no event can fall between routing and the client's catch-up); what is
 * pushed to it in that window waits until the welcome has gone out, in order. Clients
 * (the SDK, any raw client) ignore or reject frames before welcome, so a push in that
 * window used to be lost or to fail the connect.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type UserId } from '@parley/protocol';
import { MemoryPresence } from '../presence/memory';
import { startTestServer, type TestNode } from '../testing';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

/** The real registry, with one user's next `connected` held until the test lets it go. */
class HoldablePresence extends MemoryPresence {
  private hold: { userId: UserId; reached: () => void; release: Promise<void> } | null = null;

  holdNext(userId: UserId): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const reachedP = new Promise<void>((r) => (reached = r));
    this.hold = { userId, reached, release: released };
    return { reached: reachedP, release };
  }

  override async connected(userId: UserId, connectionId: string): Promise<boolean> {
    const h = this.hold;
    if (h && h.userId === userId) {
      this.hold = null;
      h.reached();
      await h.release;
    }
    return super.connected(userId, connectionId);
  }
}

let server: TestNode & { close(): Promise<void> };
let presence: HoldablePresence;
let a: TestUser, b: TestUser;
let conv: string;

beforeAll(async () => {
  presence = new HoldablePresence();
  server = await startTestServer({ presence, config: { rateLimits: testRateLimits() } });
  [a, b] = await registerUsers(server.url, 2, 'welcome');
  conv = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id;
});
afterAll(() => server.close());

it('an event pushed while the hello is still being served arrives after welcome, not before', async () => {
  const gate = presence.holdNext(b.id);
  const sock = await RawSocket.open(server.wsUrl);
  sock.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: b.token });
  await gate.reached; // b's socket is routed, its welcome not sent yet
  const sent = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'in-the-window', kind: 'text', content: { body: 'hi b' } });
  expect(sent.status).toBe(201);
  gate.release();
  const pushed = await sock.waitPush((f) => f.type === 'event');
  expect(sock.frames[0]?.type).toBe('welcome');
  expect(pushed).toMatchObject({ event: { conversationId: conv, seq: sent.body.message.seq, type: 'message.created' } });
  await sock.close();
});
