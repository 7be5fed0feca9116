package dev.lanechat.server.conversations;

import java.util.List;

/**
 * One page of a user's conversations, newest first, and the cursor of the next page (null on the
 * last page). The handler sends the list as the body and the cursor in headers, so that a version
 * 1 client still reads a plain JSON array.
 */
public record ConversationList(List<Conversation> conversations, String nextCursor) {}
