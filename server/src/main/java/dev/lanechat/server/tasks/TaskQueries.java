package dev.lanechat.server.tasks;

import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The reads of tasks that change nothing: a user's task with its result, and what the worker API checks. */
public final class TaskQueries {
    private final Jdbi jdbi;
    private final ConversationRepository conversations;
    private final FileRepository files;

    TaskQueries(Jdbi jdbi, ConversationRepository conversations, FileRepository files) {
        this.jdbi = jdbi;
        this.conversations = conversations;
        this.files = files;
    }

    public Optional<Task> find(String userId, String taskId) {
        return jdbi.withHandle(h -> find(h, userId, taskId));
    }

    /** The task with its result (read from the answer it filled), if it is the user's. */
    Optional<Task> find(Handle h, String userId, String taskId) {
        return h.createQuery(
                        "SELECT t.id, t.status, t.lane, t.conversation_id, t.message_id, t.created_at, t.updated_at, "
                                + "t.error, m.content, m.model, m.cost_usd FROM tasks t JOIN messages m ON m.id = t.message_id "
                                + "WHERE t.id = :id AND t.user_id = :user")
                .bind("id", taskId)
                .bind("user", userId)
                .map((rs, ctx) -> {
                    String status = rs.getString("status");
                    TaskResult result = TaskStatus.COMPLETED.equals(status)
                            ? new TaskResult(
                                    rs.getString("content"), rs.getString("model"), rs.getDouble("cost_usd"), null)
                            : null;
                    return new Task(
                            rs.getString("id"),
                            status,
                            rs.getString("lane"),
                            rs.getString("conversation_id"),
                            rs.getString("message_id"),
                            rs.getString("created_at"),
                            rs.getString("updated_at"),
                            result,
                            rs.getString("error"));
                })
                .findOne()
                .map(task -> task.result() == null ? task : withFiles(h, task));
    }

    private Task withFiles(Handle h, Task task) {
        List<FileInfo> list = files.forMessages(h, List.of(task.messageId())).getOrDefault(task.messageId(), List.of());
        TaskResult r = task.result();
        return new Task(
                task.taskId(),
                task.status(),
                task.lane(),
                task.conversationId(),
                task.messageId(),
                task.createdAt(),
                task.updatedAt(),
                new TaskResult(r.content(), r.model(), r.costUsd(), list),
                task.error());
    }

    /** The lane of the task with this id (of any user), for the worker API's lane check. */
    public Optional<String> laneOf(String taskId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT lane FROM tasks WHERE id = :id")
                .bind("id", taskId)
                .mapTo(String.class)
                .findOne());
    }

    /** Whether a task with this id exists (of any user; the worker API tells 404 from 409 with it). */
    public boolean exists(String taskId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE id = :id")
                        .bind("id", taskId)
                        .mapTo(Integer.class)
                        .one()
                > 0);
    }

    /** How many tasks of {@code lane} run now (on every node). */
    int runningCount(String lane) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE lane = :lane AND status = 'running'")
                        .bind("lane", lane)
                        .mapTo(Integer.class)
                        .one());
    }

    /** The message a running task answers, for its worker's downloads; empty when the task is not running. */
    public Optional<String> runningTaskMessage(String taskId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT conversation_id, message_id FROM tasks WHERE id = :id AND status = 'running'")
                .bind("id", taskId)
                .map((rs, ctx) -> Map.entry(rs.getString("conversation_id"), rs.getString("message_id")))
                .findOne()
                .flatMap(t -> conversations.messageAnsweredId(h, t.getKey(), t.getValue())));
    }
}
