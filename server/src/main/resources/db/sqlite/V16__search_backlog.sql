-- The messages' search index is written at the end of each of the writer's batches, not by every
-- INSERT and UPDATE (issue 15). FTS5 writes what it has pending as a new segment of its index at
-- every statement savepoint, and SQLite opens one for nearly every statement of a transaction that
-- has touched the index: with the V10 triggers, every statement after a task's message writes
-- flushed a segment of its own (and merged segments), about 0.13 ms of the writer's time per task
-- of scenario 4 on 2 cores, a third of SQLite's. The triggers now only note which rows changed
-- here, and store's SqliteSearchBacklog indexes them as the last statements before the batch's
-- COMMIT, in the same transaction: a committed message is still found by the next search.
--
-- A row of message_search_backlog: a message (by rowid) whose index entry is behind, and the text
-- the index holds for it (NULL or '' when it holds nothing). A message not here is in the index
-- with its current content (nothing, when that is ''). INSERT OR IGNORE keeps the first noted
-- text, which is what the index still holds however often the row changes before it is indexed.
-- After a manual VACUUM (which can renumber rowids): DELETE FROM message_search_backlog, then the
-- 'rebuild' of V10.
CREATE TABLE message_search_backlog (
    message_rowid INTEGER PRIMARY KEY,
    indexed       TEXT
);

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO message_search_backlog (message_rowid, indexed) VALUES (new.rowid, NULL);
END;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    INSERT OR IGNORE INTO message_search_backlog (message_rowid, indexed) VALUES (old.rowid, old.content);
END;

CREATE TRIGGER messages_search_update AFTER UPDATE OF content ON messages BEGIN
    INSERT OR IGNORE INTO message_search_backlog (message_rowid, indexed) VALUES (old.rowid, old.content);
END;
