/** Writes the release data (chat-before-typed-content.ts) into a new SQLite file at that release's schema. Not a test file. */
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../sqlite/migrations';
import { BEFORE_TYPED_CONTENT, RELEASE_ATTACHMENT, RELEASE_CONVERSATION, RELEASE_EVENTS, RELEASE_MEMBERS, RELEASE_MESSAGES, RELEASE_USERS } from './chat-before-typed-content';

export function writeSqliteRelease(path: string): void {
  const db = new Database(path);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
  for (const m of SQLITE_MIGRATIONS.filter((x) => x.version <= BEFORE_TYPED_CONTENT.sqlite)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 0);
  }
  const c = RELEASE_CONVERSATION;
  db.transaction(() => {
    for (const u of RELEASE_USERS) db.prepare('INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(u.id, u.username, u.display_name, 'x', c.created_at);
    db.prepare("INSERT INTO conversations (id, kind, title, last_seq, created_at, updated_at) VALUES (?, 'group', ?, ?, ?, ?)").run(c.id, c.title, c.last_seq, c.created_at, c.updated_at);
    for (const m of RELEASE_MEMBERS) db.prepare('INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)').run(c.id, m.user_id, m.role, m.joined_at);
    const a = RELEASE_ATTACHMENT;
    db.prepare("INSERT INTO attachments (id, owner_id, state, name, size, content_type, kind, width, height, has_thumbnail, conversation_id, message_id, created_at) VALUES (?, ?, 'ready', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")
      .run(a.id, a.owner_id, a.name, a.size, a.contentType, a.kind, a.width, a.height, c.id, a.message_id, a.created_at);
    const insertMessage = db.prepare('INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, title, body, created_at, edited_at, deleted_at, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // That release indexed a send in the same transaction (search-index.ts): one doc per live message.
    const doc = db.prepare('INSERT INTO message_search_docs (message_id) VALUES (?)');
    const fts = db.prepare('INSERT INTO message_search (rowid, title, body, names) VALUES (?, ?, ?, ?)');
    for (const m of RELEASE_MESSAGES) {
      insertMessage.run(m.id, c.id, m.seq, m.sender_id, m.client_message_id, m.title, m.body, m.created_at, m.edited_at, m.deleted_at, m.attachments ? JSON.stringify(m.attachments) : null);
      if (m.deleted_at === null) fts.run(doc.run(m.id).lastInsertRowid, m.title ?? '', m.body, m.attachments?.map((x) => x.name).join('\n') ?? null);
    }
    for (const e of RELEASE_EVENTS) db.prepare('INSERT INTO events (conversation_id, seq, type, actor_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)').run(c.id, e.seq, e.type, e.actor_id, e.at, JSON.stringify(e.payload));
  })();
  db.close();
}
