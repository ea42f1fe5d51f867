/**
 * Sends committed in several lanes at once (config.groupCommitLanes, the PostgreSQL
 * default): every send is acknowledged, and every conversation still reaches a receiver
 * exactly once, gapless and in seq order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestNode } from '../testing';
import { Api } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';
import type { Store } from '../store/port';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

const LANES = 4;
const CONVERSATIONS = 8;
const ROUNDS = 25;

function lanesSuite(openStore: () => Promise<{ store?: Store; cleanup: () => Promise<void> }>) {
  let cluster: { nodes: TestNode[]; close(): Promise<void> };
  let cleanup: () => Promise<void>;
  let node: TestNode;
  let sender: TestUser, receiver: TestUser;

  beforeAll(async () => {
    const opened = await openStore();
    cleanup = opened.cleanup;
    cluster = await startTestCluster({ ...(opened.store ? { store: opened.store } : {}), config: { rateLimits: testRateLimits({ send: { limit: 10_000, windowMs: 10_000 } }), groupCommitLanes: LANES } });
    node = cluster.nodes[0]!;
    [sender, receiver] = await registerUsers(node.url, 2, 'lane');
  });
  afterAll(async () => {
    await cluster?.close();
    await cleanup?.();
  });

  it('keeps each conversation in seq order, gapless and exactly once, while lanes commit at once', async () => {
    const api = new Api(node.url, sender.token);
    const convs: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      convs.push((await api.post('/api/conversations/group', { title: `lane ${i}`, memberIds: [receiver.id] })).body.conversation.id);
    }
    const [out, inbox] = await Promise.all([RawSocket.connect(node.wsUrl, sender.token), RawSocket.connect(node.wsUrl, receiver.token)]);
    const mark = inbox.mark();
    // Every round sends one message to every conversation without waiting, so batches
    // hold many conversations and several lanes are in flight together.
    const acks: Promise<{ message: { conversationId: string; seq: number } }>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of convs) acks.push(out.ok('send', { conversationId: c, clientMessageId: `lane-${c}-${r}`, kind: 'text', content: { body: `round ${r} in ${c}` } }));
    }
    const sent = await Promise.all(acks);
    const lastSeq = new Map<string, number>();
    for (const s of sent) lastSeq.set(s.message.conversationId, Math.max(lastSeq.get(s.message.conversationId) ?? 0, s.message.seq));
    for (const c of convs) await inbox.waitEvent(c, 'message.created', mark, lastSeq.get(c));

    for (const c of convs) {
      const seqs = inbox.eventsSince(mark, c).filter((e) => e.type === 'message.created').map((e) => e.seq as number);
      expect(seqs).toHaveLength(ROUNDS);
      // In order and without gaps: each delivery is the one after the previous.
      expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true);
      expect(seqs.at(-1)).toBe(lastSeq.get(c));
    }
    await Promise.all([out.close(), inbox.close()]);
  });
}

describe(`${LANES} commit lanes on SQLite`, () => {
  lanesSuite(async () => ({ cleanup: async () => {} }));
});

const reachable = await postgresReachable();
describeWithPostgres(`${LANES} commit lanes on PostgreSQL`, reachable, () => {
  lanesSuite(() => postgresTestStore(8));
});
