package dev.lanechat.server.conversations;

import java.util.List;

/** Some consecutive messages of a conversation, oldest first, and whether older ones exist. */
record MessagePage(List<Message> messages, boolean hasMore) {}
