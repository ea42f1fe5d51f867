/**
 * Search (forward-only; never edit once committed).
 *
 * - message_search is a contentless FTS5 table with the trigram tokenizer: any substring
 *   of three or more characters is found, case-insensitively, whatever the script (no
 *   word boundaries needed for Chinese, Japanese or Korean). Contentless: the text stays
 *   only in messages; contentless_delete lets edits and deletes remove old text.
 * - message_search_docs gives each indexed message a stable INTEGER PRIMARY KEY used as
 *   the FTS rowid (a plain rowid may be renumbered by VACUUM). Docs are numbered in
 *   append order, so doc order is newest-first order for keyset paging.
 * - Triggers keep the index in the transaction of every change: a send indexes, an edit
 *   re-indexes under the same doc, delete for everyone and any row delete (retention,
 *   erasure) unindex. (Since migration 9 a send is indexed by appendMessages instead of
 *   the insert trigger: see 0009-search-index-on-append.ts. The SQL below is unchanged.)
 */
const searchText = (row: 'new' | 'old') => `coalesce(${row}.title, ''), ${row}.body,
    (SELECT group_concat(json_extract(a.value, '$.name'), char(10)) FROM json_each(${row}.attachments) a)`;

export const searchSchema = `
CREATE TABLE message_search_docs (
  doc INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE
) STRICT;

CREATE VIRTUAL TABLE message_search USING fts5(
  title, body, names,
  content = '', contentless_delete = 1, tokenize = 'trigram'
);

CREATE TRIGGER message_search_after_insert AFTER INSERT ON messages WHEN new.deleted_at IS NULL BEGIN
  INSERT INTO message_search_docs (message_id) VALUES (new.id);
  INSERT INTO message_search (rowid, title, body, names)
  VALUES ((SELECT doc FROM message_search_docs WHERE message_id = new.id), ${searchText('new')});
END;

CREATE TRIGGER message_search_after_update AFTER UPDATE OF title, body, attachments, deleted_at ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (SELECT doc FROM message_search_docs WHERE message_id = old.id);
  DELETE FROM message_search_docs WHERE message_id = old.id AND new.deleted_at IS NOT NULL;
  INSERT INTO message_search (rowid, title, body, names)
  SELECT d.doc, ${searchText('new')} FROM message_search_docs d WHERE d.message_id = new.id AND new.deleted_at IS NULL;
END;

CREATE TRIGGER message_search_after_delete AFTER DELETE ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (SELECT doc FROM message_search_docs WHERE message_id = old.id);
  DELETE FROM message_search_docs WHERE message_id = old.id;
END;

INSERT INTO message_search_docs (message_id)
SELECT id FROM messages WHERE deleted_at IS NULL ORDER BY created_at, rowid;
INSERT INTO message_search (rowid, title, body, names)
SELECT d.doc, coalesce(m.title, ''), m.body,
  (SELECT group_concat(json_extract(a.value, '$.name'), char(10)) FROM json_each(m.attachments) a)
FROM message_search_docs d JOIN messages m ON m.id = d.message_id;
`;
