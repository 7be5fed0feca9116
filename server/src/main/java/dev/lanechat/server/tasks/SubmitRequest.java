package dev.lanechat.server.tasks;

import java.util.List;

/**
 * What to queue: {@code messageId} is the message regenerated or edited; {@code content} the new
 * text; {@code attachments} the uploads a send attaches to its new user message (E14).
 */
record SubmitRequest(Kind kind, String conversationId, String messageId, String content, List<String> attachments) {
    enum Kind {
        SEND,
        REGENERATE,
        EDIT
    }
}
