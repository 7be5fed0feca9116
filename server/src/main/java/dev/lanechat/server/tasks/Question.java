package dev.lanechat.server.tasks;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.conversations.Message;
import dev.lanechat.server.lanes.Lane;
import dev.lanechat.server.store.TimeOrderedIds;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The user message a new answer answers: an existing one ({@code isNew} false: a regenerate),
 * or one to store under {@code parentId} (a send: under the leaf; an edit: beside the message
 * edited).
 */
record Question(String id, String content, boolean isNew, String parentId) {

    /** The question of {@code request}, in the submit's transaction; 404, 400 or 409 for a message it may not take. */
    static Question of(ConversationRepository conversations, Handle h, SubmitRequest request, String leafId) {
        if (request.kind() == SubmitRequest.Kind.SEND) {
            return new Question(TimeOrderedIds.next(), request.content(), true, leafId);
        }
        Message target = conversations
                .findMessage(h, request.conversationId(), request.messageId())
                .orElseThrow(() -> Rejection.notFound("message"));
        boolean answer = target.role().equals("assistant");
        if (request.kind() == SubmitRequest.Kind.EDIT) {
            if (answer) {
                throw Rejection.invalid("Only a message of yours can be edited; regenerate an answer instead.");
            }
            return new Question(TimeOrderedIds.next(), request.content(), true, target.parentId());
        }
        if (!answer) {
            if (conversations.hasPendingAnswer(h, request.conversationId(), target.id())) {
                throw Rejection.conflict("An answer to this message is still being written; wait for it to end (or"
                        + " cancel it) to ask for another.");
            }
            return new Question(target.id(), target.content(), false, target.parentId());
        }
        if (TaskStatus.QUEUED.equals(target.status()) || TaskStatus.RUNNING.equals(target.status())) {
            throw Rejection.conflict(
                    "This answer is still being written; wait for it to end (or cancel it) to regenerate it.");
        }
        Message user = conversations
                .findMessage(h, request.conversationId(), target.parentId())
                .orElseThrow(() -> new IllegalStateException("an answer without its user message"));
        return new Question(user.id(), user.content(), false, user.parentId());
    }

    /** The new user message this question is, asked of {@code lane} by task {@code taskId}. */
    Message userMessage(String taskId, Lane lane, String at) {
        return message(id, "user", content, TaskStatus.COMPLETED, taskId, lane, at, parentId);
    }

    /** The pending answer {@code answerId} to this question, of task {@code taskId}. */
    Message answer(String answerId, String status, String taskId, Lane lane, String at) {
        return message(answerId, "assistant", "", status, taskId, lane, at, id);
    }

    /** A new message: no model, cost, error or files yet. */
    private static Message message(
            String id,
            String role,
            String content,
            String status,
            String taskId,
            Lane lane,
            String at,
            String parentId) {
        return new Message(
                id, role, content, status, taskId, lane.name(), null, null, List.of(), null, at, parentId, List.of());
    }
}
