-- Full-text search (issue 19), SQLite: FTS5 indexes over messages.content and conversations.title,
-- kept by triggers, so every transaction that writes a message or a title updates the index in the
-- same commit. External content (the text is not stored twice), keyed by rowid: Lanechat never runs
-- VACUUM, which could renumber the rowids of these tables; after a manual VACUUM, run
-- INSERT INTO messages_fts(messages_fts) VALUES('rebuild') (and the same for conversations_fts).
-- unicode61 with remove_diacritics 2: "cafe" finds "café"; words are runs of letters and digits.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;

CREATE VIRTUAL TABLE conversations_fts USING fts5(
    title, content='conversations', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts (rowid, title) VALUES (new.rowid, new.title);
END;

CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
END;

CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
    INSERT INTO conversations_fts (rowid, title) VALUES (new.rowid, new.title);
END;

INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild');
