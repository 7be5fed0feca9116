-- Attachments (issue 18, protocol.md E14): an upload is a row of files that no message holds yet
-- (message_id NULL) until a send names it; unattached uploads older than a day are swept.
ALTER TABLE files ALTER COLUMN message_id DROP NOT NULL;
CREATE INDEX files_unattached ON files (created_at) WHERE message_id IS NULL;
