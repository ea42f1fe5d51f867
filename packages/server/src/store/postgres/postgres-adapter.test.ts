/**
 * PostgreSQL-only behaviour the shared contract cannot see: several nodes (separate
 * pools) on one database, and driver errors translated to port codes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import { StoreError, type SendInput, type Store } from '../port';
import { translateError } from './errors';
import { openPostgresStore } from './postgres-store';
import { TEST_DATABASE_URL, describeWithPostgres, dropSchema, freshSchemaName, postgresReachable } from './test-support';
import { textSend } from '../../test-support/text-content';

const reachable = await postgresReachable();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).not.toMatch(/select|insert|update|from|where/i);
    return (err as StoreError).code;
  }
  throw new Error('expected a StoreError');
}

describe('postgres error translation', () => {
  it('maps driver failures to port codes without driver text', () => {
    const cases: [object, string][] = [
      [{ code: '23505', message: 'duplicate key value violates unique constraint "users_username_key"', query: 'INSERT INTO users' }, 'CONFLICT'],
      [{ code: 'ECONNREFUSED' }, 'UNAVAILABLE'],
      [{ code: 'ECONNRESET' }, 'UNAVAILABLE'],
      [{ code: 'CONNECTION_ENDED' }, 'UNAVAILABLE'],
      [{ code: 'CONNECTION_CLOSED' }, 'UNAVAILABLE'],
      [{ code: 'CONNECT_TIMEOUT' }, 'UNAVAILABLE'],
      [{ code: '57P01' }, 'UNAVAILABLE'],
      [{ code: '57P03' }, 'UNAVAILABLE'],
      [{ code: '08006' }, 'UNAVAILABLE'],
      [{ code: '53300' }, 'UNAVAILABLE'],
      [{ code: '53100' }, 'UNAVAILABLE'],
      [{ code: '57014' }, 'UNAVAILABLE'],
      [{ code: '55P03' }, 'UNAVAILABLE'],
      [{ code: '25P03' }, 'UNAVAILABLE'],
    ];
    for (const [raw, code] of cases) {
      const err = translateError(Object.assign(new Error('driver says SELECT secret FROM x'), raw));
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe(code);
      expect((err as StoreError).message).not.toMatch(/SELECT|INSERT|duplicate/);
    }
    const bug = new TypeError('a bug');
    expect(translateError(bug)).toBe(bug);
  });

  it('answers UNAVAILABLE when the server cannot be reached', async () => {
    expect(await codeOf(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/postgres', max: 1 }))).toBe('UNAVAILABLE');
  });
});

describeWithPostgres('postgres adapter', reachable, () => {
  describe('postgres adapter: several nodes on one database', () => {
    const schema = freshSchemaName('parley_nodes');
    let nodeA: Store;
    let nodeB: Store;
    beforeAll(async () => {
      // Opening both at once also exercises concurrent migration and partition upkeep.
      const open = () => openPostgresStore({ url: TEST_DATABASE_URL, schema, max: 4 });
      [nodeA, nodeB] = await Promise.all([open(), open()]);
    });
    afterAll(async () => {
      await Promise.all([nodeA?.close(), nodeB?.close()]);
      await dropSchema(schema);
    });

    const fresh = (p: string) => `${p}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    async function pair() {
      const [a, b] = await Promise.all(
        ['a', 'b'].map((n) => {
          const id = fresh(n) as UserId;
          return nodeA.createUser({ id, username: id, displayName: n, passwordHash: 'h', createdAt: 1 });
        }),
      );
      const g1 = await nodeA.createGroup({ id: fresh('c') as ConversationId, ownerId: a!.id, title: 'one', memberIds: [b!.id], maxMembers: 10, at: 1 });
      const g2 = await nodeB.createGroup({ id: fresh('c') as ConversationId, ownerId: a!.id, title: 'two', memberIds: [b!.id], maxMembers: 10, at: 1 });
      return { a: a!, b: b!, c1: g1.conversation.id, c2: g2.conversation.id };
    }
    const input = (conversationId: ConversationId, senderId: UserId, clientMessageId = fresh('k') as ClientMessageId): SendInput => ({
      conversationId,
      senderId,
      clientMessageId,
      messageId: fresh('m') as MessageId,
      ...textSend('hi'),
      at: 10,
    });

    it('keeps seqs gapless and stores each client id once when nodes race on the same conversation', async () => {
      const { a, b, c1 } = await pair();
      const retried = Array.from({ length: 10 }, () => fresh('k') as ClientMessageId);
      const calls = [];
      for (let i = 0; i < 20; i++) {
        const node = i % 2 === 0 ? nodeA : nodeB;
        // Every node sends every retried id (plus a fresh message) in mixed batches.
        calls.push(node.appendMessages([input(c1, a.id, retried[i % 10]), input(c1, b.id), input(c1, a.id, retried[(i + 3) % 10])]));
      }
      const results = (await Promise.all(calls)).flat();
      expect(results.every((r) => r.ok)).toBe(true);
      const stored = new Map<string, string>();
      for (const r of results) {
        if (!r.ok) continue;
        const prior = stored.get(r.message.clientMessageId);
        if (prior) expect(r.message.id).toBe(prior);
        stored.set(r.message.clientMessageId, r.message.id);
      }
      const { messages } = await nodeB.history({ conversationId: c1, viewerId: b.id, limit: 100 });
      expect(messages).toHaveLength(10 + 20);
      expect(new Set(messages.map((m) => `${m.senderId}/${m.clientMessageId}`)).size).toBe(messages.length);
      const { events } = await nodeA.eventsAfter(c1, 0, 1000);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const conv = await nodeA.getConversation(c1);
      expect(conv?.lastSeq).toBe(events.length);
      expect(typeof conv?.lastSeq).toBe('number');
    });

    it('stores one message when the same client id goes to two conversations on two nodes at once', async () => {
      const { a, c1, c2 } = await pair();
      for (let round = 0; round < 5; round++) {
        const k = fresh('k') as ClientMessageId;
        const [[r1], [r2]] = await Promise.all([nodeA.appendMessages([input(c1, a.id, k)]), nodeB.appendMessages([input(c2, a.id, k)])]);
        expect(r1?.ok && r2?.ok).toBe(true);
        if (!r1?.ok || !r2?.ok) return;
        expect(r1.message).toEqual(r2.message);
        expect([r1.duplicate, r2.duplicate].sort()).toEqual([false, true]);
      }
      const [h1, h2] = await Promise.all([c1, c2].map((conversationId) => nodeA.history({ conversationId, viewerId: a.id, limit: 100 })));
      expect(h1!.messages.length + h2!.messages.length).toBe(5);
    });

    it('answers CONFLICT for an id taken by another node, and UNAVAILABLE once closed', async () => {
      const { a, c1 } = await pair();
      expect(await codeOf(nodeB.createGroup({ id: c1, ownerId: a.id, title: 'again', memberIds: [], maxMembers: 10, at: 2 }))).toBe('CONFLICT');
      const extra = await openPostgresStore({ url: TEST_DATABASE_URL, schema, max: 1 });
      await extra.close();
      expect(await codeOf(extra.getConversation(c1))).toBe('UNAVAILABLE');
    });
  });
});
