-- Branches (issue 18): a conversation is a tree of messages. Each message names its parent (null
-- for the first one); the conversation names the last message of the chosen path (leaf_id).
-- Existing conversations become a chain by position, and their chosen path is the whole chain.
ALTER TABLE messages ADD COLUMN parent_id TEXT;
UPDATE messages SET parent_id = (
    SELECT p.id FROM messages p
    WHERE p.conversation_id = messages.conversation_id AND p.position < messages.position
    ORDER BY p.position DESC LIMIT 1);
ALTER TABLE conversations ADD COLUMN leaf_id TEXT;
UPDATE conversations SET leaf_id = (
    SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.position DESC LIMIT 1);
-- The children of a message (siblings, the walk down a switch makes), oldest first.
CREATE INDEX messages_by_parent ON messages (conversation_id, parent_id, position);
