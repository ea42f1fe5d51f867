/**
 * Typed message content (forward-only; never edit once committed).
 *
 * - messages.kind and messages.content (JSON; NULL once deleted for everyone) replace
 *   title and body: existing rows become kind 'text' with content { title, body }. No
 *   CHECK on kind: a new kind needs no migration, and the adapters never read inside content.
 * - messages.search_text: what search may read, written by the domain from the kind
 *   registry (NULL for kinds the server cannot read, and once deleted). The FTS table is
 *   rebuilt on (text, names) from it, under the same doc numbers; the edit trigger now
 *   follows search_text (both triggers are made again around the rebuild).
 * - reply_to, thread_root_id, target_id: relations, each indexed where set.
 * - Event payloads move to the same shape: message.created's message and message.edited
 *   carry kind and content (null where the delete erased the body).
 */
const textContent = (title: string, body: string) =>
  `json(CASE WHEN ${body} = '' THEN 'null' ELSE json_object('title', ${title}, 'body', ${body}) END)`;

export const typedMessageContentSchema = `
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
ALTER TABLE messages ADD COLUMN content TEXT;
ALTER TABLE messages ADD COLUMN search_text TEXT;
ALTER TABLE messages ADD COLUMN reply_to TEXT;
ALTER TABLE messages ADD COLUMN thread_root_id TEXT;
ALTER TABLE messages ADD COLUMN target_id TEXT;
UPDATE messages SET content = json_object('title', title, 'body', body), search_text = body || coalesce(char(10) || title, '')
WHERE deleted_at IS NULL;

DROP TRIGGER message_search_after_update;
DROP TRIGGER message_search_after_delete;
DROP TABLE message_search;
ALTER TABLE messages DROP COLUMN title;
ALTER TABLE messages DROP COLUMN body;

CREATE VIRTUAL TABLE message_search USING fts5(
  text, names,
  content = '', contentless_delete = 1, tokenize = 'trigram'
);
DELETE FROM message_search_docs WHERE message_id NOT IN (SELECT id FROM messages WHERE search_text IS NOT NULL AND deleted_at IS NULL);
INSERT INTO message_search (rowid, text, names)
SELECT d.doc, m.search_text,
  (SELECT group_concat(json_extract(a.value, '$.name'), char(10)) FROM json_each(m.attachments) a)
FROM message_search_docs d JOIN messages m ON m.id = d.message_id;

CREATE TRIGGER message_search_after_update AFTER UPDATE OF search_text, attachments, deleted_at ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (SELECT doc FROM message_search_docs WHERE message_id = old.id);
  DELETE FROM message_search_docs WHERE message_id = old.id AND (new.deleted_at IS NOT NULL OR new.search_text IS NULL);
  INSERT INTO message_search (rowid, text, names)
  SELECT d.doc, new.search_text, (SELECT group_concat(json_extract(a.value, '$.name'), char(10)) FROM json_each(new.attachments) a)
  FROM message_search_docs d WHERE d.message_id = new.id;
END;
CREATE TRIGGER message_search_after_delete AFTER DELETE ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (SELECT doc FROM message_search_docs WHERE message_id = old.id);
  DELETE FROM message_search_docs WHERE message_id = old.id;
END;

CREATE INDEX messages_replies ON messages(reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX messages_threads ON messages(thread_root_id, seq) WHERE thread_root_id IS NOT NULL;
CREATE INDEX messages_targets ON messages(target_id) WHERE target_id IS NOT NULL;

UPDATE events SET payload = json_set(json_remove(payload, '$.message.title', '$.message.body'),
  '$.message.kind', 'text',
  '$.message.content', ${textContent("json_extract(payload, '$.message.title')", "json_extract(payload, '$.message.body')")},
  '$.message.replyTo', json('null'), '$.message.threadRootId', json('null'), '$.message.targetId', json('null'))
WHERE type = 'message.created';
UPDATE events SET payload = json_set(json_remove(payload, '$.title', '$.body'),
  '$.kind', 'text',
  '$.content', ${textContent("json_extract(payload, '$.title')", "json_extract(payload, '$.body')")})
WHERE type = 'message.edited';
`;
