-- Attachments (issue 18, protocol.md E14): an upload is a row of files that no message holds yet
-- (message_id NULL) until a send names it; unattached uploads older than a day are swept. SQLite
-- cannot drop a NOT NULL constraint, so the table is rebuilt with the same rows and index.
CREATE TABLE files_v14 (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    message_id   TEXT REFERENCES messages (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);
INSERT INTO files_v14 (id, user_id, message_id, name, content_type, size, data, created_at)
    SELECT id, user_id, message_id, name, content_type, size, data, created_at FROM files;
DROP TABLE files;
ALTER TABLE files_v14 RENAME TO files;
CREATE INDEX files_by_message ON files (message_id);
CREATE INDEX files_unattached ON files (created_at) WHERE message_id IS NULL;
