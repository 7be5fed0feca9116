package dev.lanechat.server.conversations;

import dev.lanechat.server.events.Event;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What this package needs of a conversation's tasks. The tasks package sits above this one (a
 * task answers a message of a conversation), so it implements this port and the wiring passes it
 * in: conversations never import tasks.
 */
public interface ConversationTasks {

    /**
     * In {@code h}'s transaction, cancels the conversation's unfinished tasks (each with its
     * {@code task.failed} event) and deletes all of its tasks: the task side of deleting a
     * conversation, as one operation.
     *
     * @return the cancel events, to publish and {@link #announceCancelled announce} after the commit
     */
    List<Event> cancelAndDeleteTasksOf(Handle h, String userId, String conversationId);

    /** Tells the task runners that these tasks were cancelled (after the caller's commit). */
    void announceCancelled(List<Event> cancelEvents);

    /** The text a task streamed so far while it runs on this node; empty when it does not stream here. */
    Optional<String> textSoFar(String taskId);
}
