import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationId, UserId } from '@parley/protocol';
import { moderationContract } from '../moderation-contract';
import type { Store } from '../port';
import { connect, type Sql } from './db';
import { openPostgresStore } from './postgres-store';
import { describeWithPostgres, dropSchema, freshSchemaName, postgresReachable, postgresTestStore, TEST_DATABASE_URL } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Moderation contract: postgres', reachable, () => {
  moderationContract('postgres', postgresTestStore);
});

describeWithPostgres('Blocks and sends on postgres', reachable, () => {
  const schema = freshSchemaName();
  let store!: Store;
  let raw!: Sql;
  beforeAll(async () => {
    store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, max: 4 });
    raw = connect({ url: TEST_DATABASE_URL, schema, max: 2 });
  });
  afterAll(async () => {
    await raw?.end({ timeout: 1 });
    await store?.close();
    await dropSchema(schema);
  });

  // Several nodes share the database, so the append's block check alone would leave a
  // window: a batch reads "no block", the block commits, the batch commits after it.
  it('a block waits for a send batch holding its direct conversation, so it orders after it', async () => {
    const [a, b] = ['ublk_a', 'ublk_b'] as UserId[];
    for (const id of [a, b]) await store.createUser({ id: id!, username: id!, displayName: id!, passwordHash: 'h', createdAt: 1 });
    const d = (await store.getOrCreateDirect({ id: 'cblk' as ConversationId, a: a!, b: b!, at: 1 })).conversation.id;

    let settled = false;
    let blocking: Promise<boolean> | undefined;
    await raw.begin(async (tx) => {
      // What appendMessages takes first (append-messages.ts).
      await tx`SELECT 1 FROM conversations WHERE id = ${d} FOR NO KEY UPDATE`;
      blocking = store.moderation.block({ blockerId: b!, blockedId: a!, at: 2 }).finally(() => (settled = true));
      // Wait, bounded, until the block's transaction is seen waiting on that lock.
      let waiting = false;
      for (let i = 0; i < 100 && !waiting && !settled; i++) {
        const rows = await raw`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%direct_key%FOR NO KEY UPDATE%'`;
        waiting = rows.length > 0;
        if (!waiting) await new Promise((r) => setTimeout(r, 50));
      }
      expect(waiting).toBe(true);
      expect(settled).toBe(false);
    });
    // The "batch" committed; now the block goes through.
    expect(await blocking).toBe(true);
    expect(await store.moderation.blockedEitherWay(a!, b!)).toBe(true);
  });
});
