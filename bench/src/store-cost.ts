/**
 * npx tsx bench/src/store-cost.ts [messages]
 *
 * What one durable send costs the SQLite writer, without sockets: the store's own
 * appendMessages (the group-commit path) on a fresh file database, synchronous=FULL,
 * the writer thread's WAL checkpoint setting, 50 direct conversations of 2 users, 100-byte bodies, time-ordered message ids, at
 * several batch sizes, with the trigram search index as shipped and with the FTS5 table
 * swapped for a plain one (a throwaway database) to show what full-text indexing costs.
 * Prints microseconds per message. Not a workload: a breakdown for docs/performance.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ConversationId, UserId } from '@parley/protocol';
import { newId, openSqliteStore, WAL_AUTOCHECKPOINT_PAGES, type SendInput } from './targets/server-internals';

const total = Number(process.argv[2] ?? 20_000);

async function measure(batch: number, searchIndex: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-cost-'));
  const path = join(dir, 'parley.db');
  try {
    const setup = openSqliteStore({ path });
    const users: UserId[] = [];
    for (let i = 0; i < 100; i++) users.push((await setup.createUser({ id: newId() as UserId, username: `u${i}`, displayName: `u${i}`, passwordHash: 'x', createdAt: Date.now() })).id);
    const conversations: ConversationId[] = [];
    for (let i = 0; i < 50; i++) conversations.push((await setup.getOrCreateDirect({ id: newId() as ConversationId, a: users[2 * i]!, b: users[2 * i + 1]!, at: Date.now() })).conversation.id);
    await setup.close();
    if (!searchIndex) {
      const db = new Database(path);
      // appendMessages indexes each batch itself (search-index.ts); a plain table with the
      // same columns in place of the FTS5 one leaves the row writes and drops the indexing.
      db.exec(`DROP TRIGGER message_search_after_update; DROP TRIGGER message_search_after_delete; DROP TABLE message_search;
        CREATE TABLE message_search (title TEXT, body TEXT, names TEXT)`);
      db.close();
    }
    // The writer thread's checkpoint setting, so this is the writer's cost.
    const store = openSqliteStore({ path, walAutocheckpointPages: WAL_AUTOCHECKPOINT_PAGES });
    const body = 'The quick brown fox jumps over the lazy dog; lorem ipsum dolor sit amet, consectetur adipiscing.';
    const started = performance.now();
    for (let n = 0; n < total; ) {
      const items: SendInput[] = [];
      for (let k = 0; k < batch && n < total; k++, n++) {
        const u = n % 100;
        items.push({ conversationId: conversations[u >> 1]!, senderId: users[u]!, clientMessageId: `c${u}-${n}` as SendInput['clientMessageId'], messageId: newId() as SendInput['messageId'], title: null, body: `${n} ${body}`, at: Date.now() });
      }
      const results = await store.appendMessages(items);
      if (!results.every((r) => r.ok)) throw new Error('a send was refused');
    }
    const us = ((performance.now() - started) * 1000) / total;
    await store.close();
    return us;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`appendMessages, ${total} messages, synchronous=FULL, µs per message`);
console.log('batch  with search index  without  (index share)');
for (const batch of [10, 100, 500]) {
  const withIndex = await measure(batch, true);
  const without = await measure(batch, false);
  console.log(`${String(batch).padStart(5)}  ${withIndex.toFixed(0).padStart(17)}  ${without.toFixed(0).padStart(7)}  (${((100 * (withIndex - without)) / withIndex).toFixed(0)} %)`);
}
