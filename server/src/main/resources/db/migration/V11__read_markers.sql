-- Read markers (issue 19): the position of the newest message of a conversation its owner has
-- seen. An answer after it is unread; the list and the conversation report how many. Existing
-- conversations start read through their newest message, so an upgrade shows no old badge.
ALTER TABLE conversations ADD COLUMN read_position BIGINT NOT NULL DEFAULT 0;
UPDATE conversations SET read_position = COALESCE(
    (SELECT MAX(position) FROM messages WHERE messages.conversation_id = conversations.id), 0);
