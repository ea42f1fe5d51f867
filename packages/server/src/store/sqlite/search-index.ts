/**
 * Indexes newly stored messages for search (the FTS5 table of migration 0004), a batch
 * at a time: first every doc number, then every FTS row, with no other statement in
 * between. FTS5 keeps inserted terms in memory until a savepoint or commit and writes
 * them out as one segment, so a batch of sends costs one segment, not one per message
 * (migration 0009 says why this is not a trigger). Call inside the transaction that
 * stored the messages. The text is what the edit trigger indexes (migration 0016): the
 * message's search text from the kind registry, and its attachment names.
 */
import type { Message } from '@parley/protocol';
import type { SqliteContext } from './context';

type Indexable = Pick<Message, 'id' | 'attachments'> & { text: string };

export function createSearchIndexer(ctx: SqliteContext): (messages: readonly Indexable[]) => void {
  const insertDoc = ctx.db.prepare('INSERT INTO message_search_docs (message_id) VALUES (?)');
  const insertText = ctx.db.prepare('INSERT INTO message_search (rowid, text, names) VALUES (?, ?, ?)');
  return (messages) => {
    const docs = messages.map((m) => insertDoc.run(m.id).lastInsertRowid);
    messages.forEach((m, i) => {
      const names = m.attachments?.length ? m.attachments.map((a) => a.name).join('\n') : null;
      insertText.run(docs[i], m.text, names);
    });
  };
}
