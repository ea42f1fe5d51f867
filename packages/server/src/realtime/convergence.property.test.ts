/**
 * Convergence under retries and reconnects (DESIGN.md invariants 1, 3 and 4), as a
 * property: three members of one group, on two nodes, send with client-made ids,
 * retry ids at random, drop their sockets (with sends in flight), reconnect to a
 * random node and catch up with sync, in generated interleavings. At the end, after
 * each device retries what was never acknowledged (as an outbox would):
 * - every member's log, built only from pushes and sync, is the same gapless 1..N;
 * - no message id appears twice, and each (sender, clientMessageId) exactly once;
 * - every acknowledged send is in the log once, at the seq it was acknowledged with;
 * - a retry never created a second message (acks for one id agree on one message).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import type { ConversationEvent, Message } from '@parley/protocol';
import { startTestCluster, type TestNode } from '../testing';
import { Api } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

const CLIENTS = 3;
const NODES = 2;

type Step =
  | { kind: 'send'; client: number }
  | { kind: 'retry'; client: number; pick: number }
  | { kind: 'disconnect'; client: number }
  | { kind: 'reconnect'; client: number; node: number }
  | { kind: 'settle' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('send' as const), client: fc.nat(CLIENTS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), client: fc.nat(CLIENTS - 1), pick: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), client: fc.nat(CLIENTS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), client: fc.nat(CLIENTS - 1), node: fc.nat(NODES - 1) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
);

/** One member's device: its socket, what it has applied, and its sends. */
class Device {
  sock: RawSocket | null = null;
  private harvested = 0;
  readonly log = new Map<number, ConversationEvent>();
  /** clientMessageId → the acknowledged message (null while unacknowledged). */
  readonly sends = new Map<string, Message | null>();
  /** Sends made while offline, sent on reconnect. */
  readonly outbox: string[] = [];
  readonly inFlight: Promise<void>[] = [];

  constructor(
    readonly user: TestUser,
    private readonly conv: string,
    private readonly onAck: (clientMessageId: string, message: Message, duplicate: boolean) => void,
  ) {}

  /** Applies an event, checking that a seq seen twice (push and sync) is the same event. */
  apply(e: ConversationEvent): void {
    if (e.conversationId !== this.conv) return;
    const had = this.log.get(e.seq);
    if (had) expect(e).toEqual(had);
    else this.log.set(e.seq, e);
  }

  /** Folds the current socket's pushes into the log. */
  harvest(): void {
    if (!this.sock) return;
    const frames = this.sock.frames;
    for (; this.harvested < frames.length; this.harvested++) {
      const f = frames[this.harvested]!;
      if (f.type === 'event') this.apply(f.event as ConversationEvent);
    }
  }

  /** The highest seq up to which the log has no gap: what a client holds. */
  held(): number {
    let s = 0;
    while (this.log.has(s + 1)) s++;
    return s;
  }

  send(clientMessageId: string): void {
    if (!this.sends.has(clientMessageId)) this.sends.set(clientMessageId, null);
    if (!this.sock) {
      if (!this.outbox.includes(clientMessageId)) this.outbox.push(clientMessageId);
      return;
    }
    const p = this.sock
      .request('send', { conversationId: this.conv, clientMessageId, kind: 'text', content: { body: `body of ${clientMessageId}` } })
      .then((res) => {
        if (!res.ok) throw new Error(`send refused: ${JSON.stringify(res.error)}`);
        this.onAck(clientMessageId, res.data.message, res.data.duplicate);
        this.sends.set(clientMessageId, res.data.message);
      })
      .catch((err: Error) => {
        // A reply lost with its socket leaves the send unacknowledged; anything else is a failure.
        if (err.name !== 'SocketClosedError') throw err;
      });
    this.inFlight.push(p);
  }

  async connect(url: string): Promise<void> {
    this.sock = await RawSocket.connect(url, this.user.token);
    this.harvested = 0;
    for (const id of this.outbox.splice(0)) this.send(id);
    await this.sync();
  }

  async sync(): Promise<void> {
    for (;;) {
      const res = await this.sock!.ok('sync', { conversations: [{ id: this.conv, seq: this.held() }] });
      const c = res.conversations.find((x: { id: string }) => x.id === this.conv);
      for (const e of c?.events ?? []) this.apply(e);
      if (!c?.hasMore) return;
    }
  }

  disconnect(): void {
    if (!this.sock) return;
    this.harvest();
    this.sock.terminate();
    this.sock = null;
  }

  async settle(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
  }
}

describe('convergence under retries, drops and reconnects (property)', () => {
  let cluster: { nodes: TestNode[]; close(): Promise<void> };
  let users: TestUser[];

  beforeAll(async () => {
    cluster = await startTestCluster({
      nodes: NODES,
      config: { rateLimits: testRateLimits({ send: { limit: 1_000_000, windowMs: 60_000 } }) },
    });
    users = await registerUsers(cluster.nodes[0]!.url, CLIENTS, 'prop');
  });
  afterAll(() => cluster.close());

  it('every member converges on the same gapless log with each send exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 10, maxLength: 40 }), fc.array(fc.nat(NODES - 1), { minLength: CLIENTS, maxLength: CLIENTS }), async (steps, startNodes) => {
        const run = randomBytes(4).toString('hex');
        const owner = new Api(cluster.nodes[0]!.url, users[0]!.token);
        const conv: string = (await owner.post('/api/conversations/group', { title: `p-${run}`, memberIds: users.slice(1).map((u) => u.id) })).body.conversation.id;

        // Every ack ever received, per client id: all must name the same message.
        // (A first ack may say duplicate: the original's reply can be lost with its socket.)
        const acks = new Map<string, Message>();
        const onAck = (id: string, m: Message, duplicate: boolean) => {
          const prev = acks.get(id);
          if (prev) {
            expect(m).toEqual(prev);
            expect(duplicate).toBe(true);
          } else {
            acks.set(id, m);
          }
        };
        const devices = users.map((u) => new Device(u, conv, onAck));
        const counters = devices.map(() => 0);
        const url = (n: number) => cluster.nodes[n]!.wsUrl;

        try {
          await Promise.all(devices.map((d, i) => d.connect(url(startNodes[i]!))));
          for (const step of steps) {
            switch (step.kind) {
              case 'send': {
                const d = devices[step.client]!;
                d.send(`${run}-${step.client}-${counters[step.client]!++}`);
                break;
              }
              case 'retry': {
                const d = devices[step.client]!;
                const ids = [...d.sends.keys()];
                if (ids.length > 0) d.send(ids[step.pick % ids.length]!);
                break;
              }
              case 'disconnect':
                devices[step.client]!.disconnect();
                break;
              case 'reconnect': {
                const d = devices[step.client]!;
                if (!d.sock) await d.connect(url(step.node));
                break;
              }
              case 'settle':
                await Promise.all(devices.map((d) => d.settle()));
                break;
            }
          }

          // The outbox's job: reconnect, then retry every unacknowledged send until acked.
          for (const [i, d] of devices.entries()) if (!d.sock) await d.connect(url(i % NODES));
          await Promise.all(devices.map((d) => d.settle()));
          for (const d of devices) {
            for (const [id, m] of d.sends) if (m === null) d.send(id);
            await d.settle();
            for (const [id, m] of d.sends) expect({ id, acked: m !== null }).toEqual({ id, acked: true });
          }
          for (const d of devices) {
            await d.sync();
            d.harvest();
          }

          const lastSeq: number = (await owner.get(`/api/conversations/${conv}`)).body.conversation.lastSeq;
          const expectedSeqs = Array.from({ length: lastSeq }, (_, i) => i + 1);
          const reference = [...devices[0]!.log.entries()].sort(([x], [y]) => x - y).map(([, e]) => e);
          for (const d of devices) {
            const log = [...d.log.entries()].sort(([x], [y]) => x - y).map(([, e]) => e);
            expect(log.map((e) => e.seq)).toEqual(expectedSeqs);
            expect(log).toEqual(reference);
          }

          const messages = reference.flatMap((e) => (e.type === 'message.created' ? [e.message] : []));
          const ids = messages.map((m) => m.id);
          expect(new Set(ids).size).toBe(ids.length);
          const keys = messages.map((m) => `${m.senderId}/${m.clientMessageId}`);
          expect(new Set(keys).size).toBe(keys.length);
          // Every id ever sent is in the log exactly once, where its acks said it is.
          const attempted = devices.reduce((n, d) => n + d.sends.size, 0);
          expect(messages).toHaveLength(attempted);
          expect(acks.size).toBe(attempted);
          for (const [id, m] of acks) {
            const inLog = messages.filter((x) => x.clientMessageId === id);
            expect(inLog).toEqual([m]);
            expect(reference[m.seq - 1]).toMatchObject({ type: 'message.created', message: { id: m.id } });
          }
        } finally {
          for (const d of devices) d.disconnect();
        }
      }),
      { numRuns: 20, interruptAfterTimeLimit: 90_000 },
    );
  }, 120_000);
});
