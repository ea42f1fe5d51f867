/** Writes the release data (chat-before-typed-content.ts) into an empty PostgreSQL schema at that release's version. Not a test file. */
import type { Sql } from '../postgres/db';
import { migratePostgres } from '../postgres/migrations';
import { BEFORE_TYPED_CONTENT, RELEASE_ATTACHMENT, RELEASE_CONVERSATION, RELEASE_EVENTS, RELEASE_MEMBERS, RELEASE_MESSAGES, RELEASE_USERS } from './chat-before-typed-content';

export async function writePostgresRelease(sql: Sql): Promise<void> {
  await migratePostgres(sql, { target: BEFORE_TYPED_CONTENT.postgres });
  const c = RELEASE_CONVERSATION;
  await sql.begin(async (tx) => {
    for (const u of RELEASE_USERS) await tx`INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (${u.id}, ${u.username}, ${u.display_name}, 'x', ${c.created_at})`;
    await tx`INSERT INTO conversations (id, kind, title, last_seq, created_at, updated_at) VALUES (${c.id}, 'group', ${c.title}, ${c.last_seq}, ${c.created_at}, ${c.updated_at})`;
    for (const m of RELEASE_MEMBERS) await tx`INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES (${c.id}, ${m.user_id}, ${m.role}, ${m.joined_at})`;
    const a = RELEASE_ATTACHMENT;
    await tx`INSERT INTO attachments (id, owner_id, state, name, size, content_type, kind, width, height, has_thumbnail, conversation_id, message_id, created_at)
      VALUES (${a.id}, ${a.owner_id}, 'ready', ${a.name}, ${a.size}, ${a.contentType}, ${a.kind}, ${a.width}, ${a.height}, false, ${c.id}, ${a.message_id}, ${a.created_at})`;
    for (const m of RELEASE_MESSAGES) {
      const attachments = m.attachments ? JSON.stringify(m.attachments) : null;
      await tx`INSERT INTO messages (conversation_id, seq, id, sender_id, client_message_id, title, body, created_at, edited_at, deleted_at, attachments)
        VALUES (${c.id}, ${m.seq}, ${m.id}, ${m.sender_id}, ${m.client_message_id}, ${m.title}, ${m.body}, ${m.created_at}, ${m.edited_at}, ${m.deleted_at}, ${attachments}::text::jsonb)`;
      await tx`INSERT INTO message_keys (sender_id, client_message_id, message_id, conversation_id, seq, created_at)
        VALUES (${m.sender_id}, ${m.client_message_id}, ${m.id}, ${c.id}, ${m.seq}, ${m.created_at})`;
    }
    // That release stored each event whole (type and common fields too) in payload.
    for (const e of RELEASE_EVENTS) {
      const whole = { ...e.payload, type: e.type, conversationId: c.id, seq: e.seq, actorId: e.actor_id, at: e.at };
      await tx`INSERT INTO events (conversation_id, seq, type, actor_id, at, message_id, payload)
        VALUES (${c.id}, ${e.seq}, ${e.type}, ${e.actor_id}, ${e.at}, ${e.message_id}, ${JSON.stringify(whole)}::text::jsonb)`;
    }
  });
}
