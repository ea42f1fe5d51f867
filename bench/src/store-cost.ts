/**
 * npx tsx bench/src/store-cost.ts [messages]
 *
 * What one durable send costs the SQLite writer, without sockets: the store's own
 * appendMessages (the group-commit path) on a fresh file database, synchronous=FULL,
 * the writer thread's WAL checkpoint setting, 50 direct conversations of 2 users, 100-byte bodies, time-ordered message ids, at
 * several batch sizes, with the trigram search index as shipped and with the FTS5 table
 * swapped for a plain one (a throwaway database) to show what full-text indexing costs.
 * Prints microseconds per message. Not a workload: a breakdown for docs/performance.md.
 *
 * npx tsx bench/src/store-cost.ts [messages] --pages
 *
 * Where the commits' writes go: batches of 100 with checkpoints off, then the WAL's
 * frame headers (each names the page it carries) are counted per b-tree (dbstat).
 * A commit writes every page it changed, whole: pages per commit is the writer's cost.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ConversationId, UserId } from '@parley/protocol';
import { newId, openSqliteStore, WAL_AUTOCHECKPOINT_PAGES, type SendInput } from './targets/server-internals';
import { textInput } from './core/text-input';

const args = process.argv.slice(2);
const total = Number(args.find((a) => !a.startsWith('--')) ?? 20_000);

/** The database after a run with checkpoints off, and its WAL as the last commit left it. */
interface Written {
  path: string;
  wal: Buffer;
}

/** With `inspect`: checkpoints off, and inspect sees every commit's frames still in the WAL. */
async function measure(batch: number, searchIndex: boolean, inspect?: (w: Written) => void): Promise<number> {
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
    // The writer thread's checkpoint setting, so this is the writer's cost (none when
    // counting pages: every frame stays in the WAL to be counted).
    const store = openSqliteStore({ path, walAutocheckpointPages: inspect ? 0 : WAL_AUTOCHECKPOINT_PAGES });
    const body = 'The quick brown fox jumps over the lazy dog; lorem ipsum dolor sit amet, consectetur adipiscing.';
    const started = performance.now();
    for (let n = 0; n < total; ) {
      const items: SendInput[] = [];
      for (let k = 0; k < batch && n < total; k++, n++) {
        const u = n % 100;
        items.push({ conversationId: conversations[u >> 1]!, senderId: users[u]!, clientMessageId: `c${u}-${n}` as SendInput['clientMessageId'], messageId: newId() as SendInput['messageId'], ...textInput(`${n} ${body}`), at: Date.now() });
      }
      const results = await store.appendMessages(items);
      if (!results.every((r) => r.ok)) throw new Error('a send was refused');
    }
    const us = ((performance.now() - started) * 1000) / total;
    // Closing checkpoints the WAL into the file: keep it first; dbstat reads the closed file.
    if (inspect) copyFileSync(`${path}-wal`, `${path}.wal-copy`);
    await store.close();
    inspect?.({ path, wal: readFileSync(`${path}.wal-copy`) });
    return us;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Frames in the WAL per commit, by the b-tree (table or index) that owns each page. */
function pagesPerCommit(m: Written): void {
  const { wal } = m;
  const pageSize = wal.readUInt32BE(8);
  const frames = new Map<number, number>();
  let commits = 0;
  let total = 0;
  // 32-byte header, then frames: 24-byte header (page number, and the db size on a commit frame) + page.
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
    const page = wal.readUInt32BE(off);
    if (wal.readUInt32BE(off + 4) !== 0) commits++;
    frames.set(page, (frames.get(page) ?? 0) + 1);
    total++;
  }
  const db = new Database(m.path, { readonly: true });
  const owner = new Map((db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [r.pageno, r.name]));
  db.close();
  const byTree = new Map<string, number>();
  for (const [page, n] of frames) {
    const name = owner.get(page) ?? '(freelist)';
    byTree.set(name, (byTree.get(name) ?? 0) + n);
  }
  console.log(`${total} frames of ${pageSize} bytes in ${commits} commits: ${(total / commits).toFixed(0)} pages per commit, ${((total * pageSize) / (commits * 100) / 1024).toFixed(1)} KiB per message`);
  for (const [name, n] of [...byTree].sort((a, b) => b[1] - a[1])) console.log(`${(n / commits).toFixed(1).padStart(7)}  ${name}`);
}

if (args.includes('--pages')) {
  console.log(`appendMessages, ${total} messages in batches of 100, pages written per commit by b-tree`);
  await measure(100, true, pagesPerCommit);
  process.exit(0);
}

console.log(`appendMessages, ${total} messages, synchronous=FULL, µs per message`);
console.log('batch  with search index  without  (index share)');
for (const batch of [10, 100, 500]) {
  const withIndex = await measure(batch, true);
  const without = await measure(batch, false);
  console.log(`${String(batch).padStart(5)}  ${withIndex.toFixed(0).padStart(17)}  ${without.toFixed(0).padStart(7)}  (${((100 * (withIndex - without)) / withIndex).toFixed(0)} %)`);
}
