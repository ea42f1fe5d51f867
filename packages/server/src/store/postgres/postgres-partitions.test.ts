import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import type { Store } from '../port';
import type { Sql } from './db';
import { migratePostgres } from './migrations';
import { dropPartitionsOlderThan, ensurePartitions, listPartitions } from './partitions';
import { connect } from './db';
import { createPostgresStore, openPostgresStore } from './postgres-store';
import { TEST_DATABASE_URL, describeWithPostgres, dropSchema, freshSchemaName, postgresReachable, scratchSchema } from './test-support';
import { textSend, textEdit } from '../../test-support/text-content';

const reachable = await postgresReachable();

const JAN_2030 = Date.UTC(2030, 0, 1);
const FEB_2030 = Date.UTC(2030, 1, 1);
const MAR_2030 = Date.UTC(2030, 2, 1);
const APR_2030 = Date.UTC(2030, 3, 1);
const DAY = 86_400_000;

describeWithPostgres('postgres message partitions', reachable, () => {
  describe('postgres message partitions', () => {
    let sql: Sql;
    let store: Store;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ sql, drop } = await scratchSchema('parley_part'));
      await migratePostgres(sql);
      store = createPostgresStore(sql);
    });
    afterAll(async () => {
      await drop(); // also ends the pool the store uses
    });

    const fresh = (p: string) => `${p}${randomUUID().replace(/-/g, '').slice(0, 16)}`;

    async function conversation() {
      const [a, b] = await Promise.all(
        ['a', 'b'].map((n) => {
          const id = fresh(n) as UserId;
          return store.createUser({ id, username: id, displayName: n, passwordHash: 'h', createdAt: JAN_2030 });
        }),
      );
      const { conversation } = await store.createGroup({ id: fresh('c') as ConversationId, ownerId: a!.id, title: 'g', memberIds: [b!.id], maxMembers: 10, at: JAN_2030 });
      return { a: a!, b: b!, id: conversation.id };
    }
    async function send(id: ConversationId, senderId: UserId, at: number) {
      const [r] = await store.appendMessages([
        { conversationId: id, senderId, clientMessageId: fresh('k') as ClientMessageId, messageId: fresh('m') as MessageId, ...textSend('x', null), at },
      ]);
      if (!r?.ok) throw new Error('send failed');
      return r.message;
    }
    async function partitionOf(id: MessageId): Promise<string | undefined> {
      const [row] = await sql<{ part: string }[]>`SELECT tableoid::regclass::text AS part FROM messages WHERE id = ${id}`;
      return row?.part;
    }

    it('creates this and the next months once, idempotently, routing rows by month', async () => {
      expect(await ensurePartitions(sql, JAN_2030 + 14 * DAY, 1)).toEqual(['messages_p203001', 'messages_p203002']);
      expect(await ensurePartitions(sql, JAN_2030 + 20 * DAY, 1)).toEqual([]);
      expect(await listPartitions(sql)).toEqual([
        { name: 'messages_p203001', from: JAN_2030, to: FEB_2030 },
        { name: 'messages_p203002', from: FEB_2030, to: MAR_2030 },
      ]);
      // Concurrent callers (several nodes) agree.
      await Promise.all([ensurePartitions(sql, FEB_2030, 1), ensurePartitions(sql, FEB_2030, 1)]);
      expect((await listPartitions(sql)).map((p) => p.name)).toEqual(['messages_p203001', 'messages_p203002', 'messages_p203003']);

      const { a, id } = await conversation();
      const jan = await send(id, a.id, JAN_2030 + DAY);
      const feb = await send(id, a.id, FEB_2030 + DAY);
      const old = await send(id, a.id, 1_000);
      expect(await partitionOf(jan.id)).toBe('messages_p203001');
      expect(await partitionOf(feb.id)).toBe('messages_p203002');
      expect(await partitionOf(old.id)).toBe('messages_default');
    });

    it('moves rows the DEFAULT partition caught into a month created later', async () => {
      const { a, id } = await conversation();
      const early = await send(id, a.id, APR_2030 + DAY);
      expect(await partitionOf(early.id)).toBe('messages_default');
      expect(await ensurePartitions(sql, APR_2030, 0)).toEqual(['messages_p203004']);
      expect(await partitionOf(early.id)).toBe('messages_p203004');
      expect(await store.getMessage(id, early.id)).toEqual(early);
      expect((await store.history({ conversationId: id, viewerId: a.id, limit: 10 })).messages).toEqual([early]);
      // The moved rows keep the partitioned table's indexes.
      const [idx] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'messages_p203004'`;
      const [ref] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'messages_p203001'`;
      expect(idx!.n).toBe(ref!.n);
    });

    it('drops only partitions entirely older than the cutoff, with their events, keys and hide marks', async () => {
      await ensurePartitions(sql, JAN_2030, 1);
      const { a, b, id } = await conversation();
      const jan = await send(id, a.id, JAN_2030 + 2 * DAY);
      const feb = await send(id, a.id, FEB_2030 + 2 * DAY);
      await store.editMessage({ conversationId: id, messageId: jan.id, actorId: a.id, ...textEdit('edited', undefined), at: FEB_2030 + 3 * DAY });
      await store.hideMessage({ conversationId: id, messageId: jan.id, userId: b.id, at: FEB_2030 + 3 * DAY });

      // Mid-February: February still holds rows newer than the cutoff, so it stays.
      expect(await dropPartitionsOlderThan(sql, FEB_2030 + 15 * DAY)).toEqual(['messages_p203001']);
      expect((await listPartitions(sql)).map((p) => p.name)).not.toContain('messages_p203001');

      expect(await store.getMessage(id, jan.id)).toBeNull();
      expect(await store.getMessage(id, feb.id)).toEqual(feb);
      expect((await store.history({ conversationId: id, viewerId: a.id, limit: 10 })).messages.map((m) => m.id)).toEqual([feb.id]);
      const { events } = await store.eventsAfter(id, 0, 100);
      const mentionsJan = events.filter(
        (e) => (e.type === 'message.created' && e.message.id === jan.id) || ((e.type === 'message.edited' || e.type === 'message.deleted') && e.messageId === jan.id),
      );
      expect(mentionsJan).toEqual([]);
      expect(events.some((e) => e.type === 'message.created' && e.message.id === feb.id)).toBe(true);
      expect(events.some((e) => e.type === 'conversation.created')).toBe(true);
      const [keys] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM message_keys WHERE message_id = ${jan.id}`;
      const [hides] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM hidden_messages WHERE message_id = ${jan.id}`;
      expect([keys!.n, hides!.n]).toEqual([0, 0]);

      // Nothing else is old enough now; DEFAULT is never dropped.
      expect(await dropPartitionsOlderThan(sql, FEB_2030 + 15 * DAY)).toEqual([]);
      const [def] = await sql<{ present: boolean }[]>`SELECT to_regclass('messages_default') IS NOT NULL AS present`;
      expect(def!.present).toBe(true);
    });
  });

  describe('postgres partition upkeep', () => {
    it('a running node creates the coming months as its clock moves on', async () => {
      const schema = freshSchemaName('parley_upkeep');
      let clock = Date.UTC(2031, 0, 10);
      const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, max: 2, now: () => clock, partitionMonthsAhead: 0, partitionUpkeepMs: 20 });
      const probe = connect({ url: TEST_DATABASE_URL, schema, max: 1 });
      try {
        expect((await listPartitions(probe)).map((p) => p.name)).toEqual(['messages_p203101']);
        clock = Date.UTC(2031, 5, 10);
        await vi.waitFor(async () => expect((await listPartitions(probe)).map((p) => p.name)).toContain('messages_p203106'), { timeout: 10_000, interval: 50 });
      } finally {
        await store.close();
        await probe.end();
        await dropSchema(schema);
      }
    });
  });
});
