/**
 * Seeding a conversation with a million messages for `history`.
 *
 * SQLite: one INSERT ... SELECT over a recursive counter per table (messages, events,
 * the search index), inside SQLite (seconds instead of minutes through appendMessages),
 * then a check through the store port that the adapter reads the result back as a
 * normal log: the newest message by history(), its message.created event by
 * eventsAfter() and by search. If the schema ever drifts from what this writes, the
 * check fails the run.
 * PostgreSQL: the store's appendMessages in large batches.
 */
import Database from 'better-sqlite3';
import { newId, openSqliteStore, type SendInput, type Store } from './server-internals';
import { textInput } from '../core/text-input';
import { textOf } from '@parley/protocol';

const PAD = 'h'.repeat(90);

async function viaPort(store: Store, conversationId: string, users: [string, string], count: number): Promise<void> {
  const batch = 20_000;
  const t0 = Date.now() - count;
  for (let i = 0; i < count; i += batch) {
    const inputs: SendInput[] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) {
      inputs.push({
        conversationId: conversationId as SendInput['conversationId'],
        senderId: users[j % 2] as SendInput['senderId'],
        clientMessageId: `seed-${j}` as SendInput['clientMessageId'],
        messageId: newId(t0 + j) as SendInput['messageId'],
        ...textInput(`${j} ${PAD}`),
        at: t0 + j,
      });
    }
    await store.appendMessages(inputs);
  }
}

function viaSql(file: string, conversationId: string, users: [string, string], count: number, log: (line: string) => void): void {
  const db = new Database(file);
  let lap = Date.now();
  const stage = (name: string) => {
    log(`  seed: ${name} in ${((Date.now() - lap) / 1000).toFixed(1)} s`);
    lap = Date.now();
  };
  try {
    db.pragma('synchronous = OFF');
    // A bulk load: a page cache that holds the indexes being built, no rollback journal
    // (a failed seed fails the run anyway); the WAL mode the server expects comes back after.
    db.pragma('cache_size = -1048576');
    db.pragma('journal_mode = OFF');
    const t0 = Date.now() - count;
    const base = (db.prepare('SELECT last_seq FROM conversations WHERE id = ?').get(conversationId) as { last_seq: number }).last_seq;
    const seed = db.transaction(() => {
      db.exec('CREATE TEMP TABLE seed_n (i INTEGER PRIMARY KEY)');
      db.prepare('WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?) INSERT INTO seed_n SELECT i FROM n').run(count - 1);
      stage('counter');
      const row = `printf('%012x7000%016x', @t0 + i, i) AS id, @base + i + 1 AS seq, CASE i % 2 WHEN 0 THEN @a ELSE @b END AS sender, 'seed-' || i AS cmid, i || ' ' || @pad AS body, @t0 + i AS at`;
      const params = { t0, base, a: users[0], b: users[1], pad: PAD, conv: conversationId };
      db.prepare(
        `INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, title, body, created_at)
         SELECT id, @conv, seq, sender, cmid, NULL, body, at FROM (SELECT ${row} FROM seed_n)`,
      ).run(params);
      stage('messages');
      db.prepare(
        `INSERT INTO events (conversation_id, seq, type, actor_id, at, payload)
         SELECT @conv, seq, 'message.created', sender, at,
           json_object('message', json_object('id', id, 'conversationId', @conv, 'seq', seq, 'senderId', sender, 'clientMessageId', cmid,
             'title', NULL, 'body', body, 'createdAt', at, 'editedAt', NULL, 'deletedAt', NULL))
         FROM (SELECT ${row} FROM seed_n)`,
      ).run(params);
      stage('events');
      // Search indexing, as appendMessages does it (store/sqlite/search-index.ts).
      db.prepare('INSERT INTO message_search_docs (message_id) SELECT id FROM messages WHERE conversation_id = @conv AND seq > @base ORDER BY seq').run(params);
      stage('search docs');
      db.prepare(
        `INSERT INTO message_search (rowid, title, body, names)
         SELECT d.doc, '', m.body, NULL FROM message_search_docs d JOIN messages m ON m.id = d.message_id
         WHERE m.conversation_id = @conv AND m.seq > @base`,
      ).run({ conv: conversationId, base });
      stage('search index');
      db.prepare('UPDATE conversations SET last_seq = last_seq + ?, updated_at = ? WHERE id = ?').run(count, t0 + count, conversationId);
      db.exec('DROP TABLE seed_n');
    });
    seed();
    stage('commit');
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

/** Returns the conversation's last seq after seeding. */
export async function seedHistory(
  target: { backend: 'sqlite'; file: string } | { backend: 'postgres'; store: Store },
  conversationId: string,
  users: [string, string],
  count: number,
  log: (line: string) => void,
): Promise<number> {
  const started = Date.now();
  if (target.backend === 'postgres') {
    await viaPort(target.store, conversationId, users, count);
    log(`seeded ${count} history messages through appendMessages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return (await target.store.getConversation(conversationId as never))?.lastSeq ?? count;
  }
  viaSql(target.file, conversationId, users, count, log);
  const store = openSqliteStore({ path: target.file, synchronous: 'NORMAL' });
  try {
    const conv = await store.getConversation(conversationId as never);
    const lastSeq = conv?.lastSeq ?? 0;
    const page = await store.history({ conversationId: conversationId as never, viewerId: users[0] as never, limit: 1 });
    const events = await store.eventsAfter(conversationId as never, lastSeq - 1, 1);
    const newest = page.messages[0];
    const ev = events.events[0];
    const found = await store.search.searchMessages({ userId: users[0] as never, terms: [`${count - 1} ${PAD.slice(0, 4)}`], limit: 1 });
    const ok =
      newest?.seq === lastSeq &&
      textOf(newest)?.body.startsWith(`${count - 1} `) &&
      ev?.type === 'message.created' &&
      ev.message.id === newest.id &&
      found.hits[0]?.message.id === newest.id;
    if (!ok) throw new Error('the SQL seed does not read back through the store port (schema changed?)');
    log(`seeded ${count} history messages with SQL in ${((Date.now() - started) / 1000).toFixed(1)} s (checked through the store port)`);
    return lastSeq;
  } finally {
    await store.close();
  }
}

export { viaPort as seedThroughPort };
