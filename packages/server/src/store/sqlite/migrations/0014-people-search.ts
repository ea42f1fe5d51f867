/**
 * People search by display-name words (forward-only; never edit once committed).
 *
 * An FTS5 index over users.display_name, external content (the names stay in users), with
 * the unicode61 tokenizer folding case and accents: "ann ex" finds "Ann Example" through
 * prefix queries on the index instead of a scan of every user. Triggers keep it in step
 * with every insert, rename (and erasure, which renames) and delete; 'rebuild' fills it
 * from the users there are.
 */
export const peopleSearchSchema = `
CREATE VIRTUAL TABLE users_name_fts USING fts5(
  display_name,
  content = 'users',
  content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER users_name_fts_insert AFTER INSERT ON users BEGIN
  INSERT INTO users_name_fts (rowid, display_name) VALUES (new.rowid, new.display_name);
END;
CREATE TRIGGER users_name_fts_update AFTER UPDATE OF display_name ON users BEGIN
  INSERT INTO users_name_fts (users_name_fts, rowid, display_name) VALUES ('delete', old.rowid, old.display_name);
  INSERT INTO users_name_fts (rowid, display_name) VALUES (new.rowid, new.display_name);
END;
CREATE TRIGGER users_name_fts_delete AFTER DELETE ON users BEGIN
  INSERT INTO users_name_fts (users_name_fts, rowid, display_name) VALUES ('delete', old.rowid, old.display_name);
END;
INSERT INTO users_name_fts (users_name_fts) VALUES ('rebuild');
`;
