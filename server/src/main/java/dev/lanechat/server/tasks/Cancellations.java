package dev.lanechat.server.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.conversations.ConversationTasks;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.Notifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Cancels: a task ends failed with error "cancelled" (the answer and the event in one transaction),
 * its answer keeping the text streamed so far; whoever runs it is told after the commit.
 */
public final class Cancellations implements ConversationTasks {
    private final Jdbi jdbi;
    private final TaskRepository tasks;
    private final TaskQueries queries;
    private final ConversationRepository conversations;
    private final EventLog eventLog;
    private final Notifier notifier;
    private final ObjectMapper json;
    private final Clock clock;
    private final PartialAnswers partial;
    private final TaskSignals signals;

    Cancellations(
            Jdbi jdbi,
            TaskRepository tasks,
            TaskQueries queries,
            ConversationRepository conversations,
            EventLog eventLog,
            Notifier notifier,
            ObjectMapper json,
            Clock clock,
            PartialAnswers partial,
            TaskSignals signals) {
        this.jdbi = jdbi;
        this.tasks = tasks;
        this.queries = queries;
        this.conversations = conversations;
        this.eventLog = eventLog;
        this.notifier = notifier;
        this.json = json;
        this.clock = clock;
        this.partial = partial;
        this.signals = signals;
    }

    /**
     * Cancels a queued or running task: it ends failed with error "cancelled", and its answer keeps
     * the text streamed so far when the task streams on this node (protocol.md E13).
     */
    public Task cancel(String userId, String taskId) {
        List<Event> events = jdbi.inTransaction(h -> {
            Claim task = tasks.cancel(h, userId, taskId, clock.instant()).orElseThrow(() -> {
                if (queries.find(h, userId, taskId).isEmpty()) {
                    return Rejection.notFound("task");
                }
                return Rejection.conflict(
                        "This task has already ended; only a queued or running task can be cancelled.");
            });
            // Sealed before the commit: no later delta is sent, so every tab ends with this text.
            String kept = partial.stop(taskId).orElse("");
            return List.of(recordCancel(h, task, kept));
        });
        notifier.published(events);
        signals.cancelled(taskId);
        return queries.find(userId, taskId).orElseThrow();
    }

    @Override
    public List<Event> cancelAndDeleteTasksOf(Handle h, String userId, String conversationId) {
        List<Event> events = new ArrayList<>();
        for (String taskId : tasks.unfinishedIn(h, conversationId)) {
            tasks.cancel(h, userId, taskId, clock.instant()).ifPresent(task -> events.add(recordCancel(h, task, "")));
        }
        tasks.deleteForConversation(h, conversationId);
        return events;
    }

    @Override
    public void announceCancelled(List<Event> cancelEvents) {
        for (Event event : cancelEvents) {
            try {
                signals.cancelled(
                        json.readTree(event.dataJson()).path("task_id").asText());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Event recordCancel(Handle h, Claim task, String kept) {
        conversations.fail(h, task.conversationId(), task.messageId(), TaskStatus.CANCELLED, clock.instant());
        if (!kept.isEmpty()) {
            conversations.setContent(h, task.messageId(), kept);
        }
        return eventLog.append(h, task.userId(), "task.failed", TaskEvents.cancelledData(task, kept));
    }

    /**
     * The text a task streamed so far, while it runs on this node (a read shows it in its running
     * answer); empty when it does not stream here.
     */
    @Override
    public Optional<String> textSoFar(String taskId) {
        return partial.textSoFar(taskId);
    }

    /**
     * A runner's second word on a task cancelled on another node (whose answer was stored without
     * text): stores {@code kept} as the answer's content if it is still the cancelled answer with
     * no content, and tells every tab with another {@code task.failed} event that carries it.
     * False when there was nothing to do.
     */
    boolean keepStoppedText(Claim claim, String kept) {
        if (kept.isEmpty()) {
            return false;
        }
        Optional<Event> event = jdbi.inTransaction(h -> {
            boolean updated = conversations.fillStopped(h, claim.messageId(), kept);
            return !updated
                    ? Optional.<Event>empty()
                    : Optional.of(
                            eventLog.append(h, claim.userId(), "task.failed", TaskEvents.cancelledData(claim, kept)));
        });
        event.ifPresent(e -> notifier.published(List.of(e)));
        return event.isPresent();
    }
}
