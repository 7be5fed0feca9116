package dev.lanechat.server.tasks;

import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.Lane;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.lanes.ProcessorResult;
import dev.lanechat.server.logging.LogText;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.usage.UsageLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an attempt: complete or fail a claimed task (the result, the answer and the event in
 * one transaction, guarded by the lease, so each task ends exactly once), or retry it while it has
 * attempts left. Events are handed to the {@link Notifier} after each commit.
 */
public final class Completions {
    private static final Logger log = LoggerFactory.getLogger(Completions.class);

    private final Database database;
    private final TaskRepository tasks;
    private final ConversationRepository conversations;
    private final FileRepository files;
    private final EventLog eventLog;
    private final Notifier notifier;
    private final Lanes lanes;
    private final Clock clock;
    private final int defaultMaxAttempts;
    private final UsageLedger usage;
    private final TaskSignals signals;

    Completions(
            Database database,
            TaskRepository tasks,
            ConversationRepository conversations,
            FileRepository files,
            EventLog eventLog,
            Notifier notifier,
            Lanes lanes,
            Clock clock,
            int maxAttempts,
            UsageLedger usage,
            TaskSignals signals) {
        this.database = database;
        this.tasks = tasks;
        this.conversations = conversations;
        this.files = files;
        this.eventLog = eventLog;
        this.notifier = notifier;
        this.lanes = lanes;
        this.clock = clock;
        this.defaultMaxAttempts = maxAttempts;
        this.usage = usage;
        this.signals = signals;
    }

    /** How many attempts a task of {@code lane} gets: the lane's own number, else the server's. */
    int attemptsOf(String lane) {
        return lanes.find(lane).map(Lane::attempts).filter(n -> n > 0).orElse(defaultMaxAttempts);
    }

    /**
     * Completes a claimed task: result, answer, files and event in one transaction. False when the
     * lease was lost, in which case nothing was written.
     */
    public boolean complete(Claim claim, ProcessorResult result) {
        Optional<Event> event = database.inTransaction(h -> completeIn(h, claim, result, clock.instant()));
        event.ifPresent(e -> notifier.published(List.of(e)));
        return event.isPresent();
    }

    /**
     * {@link #complete} without waiting for the commit (issue 15: a loop that waited for each
     * completion's fsync ran one task per commit): queued for the store's writer, whose commit
     * comes before the push as always. The future holds whether the task completed (false: its
     * lease was lost) once committed, and completes on the writer's thread.
     */
    CompletableFuture<Boolean> completeLater(Claim claim, ProcessorResult result) {
        return database.inTransactionLater(h -> completeIn(h, claim, result, clock.instant()))
                .thenApply(event -> {
                    event.ifPresent(e -> notifier.published(List.of(e)));
                    return event.isPresent();
                });
    }

    private Optional<Event> completeIn(Handle h, Claim claim, ProcessorResult result, Instant now) {
        return tasks.finish(h, claim.taskId(), claim.leaseId(), TaskStatus.COMPLETED, null, now)
                .map(task -> {
                    conversations.complete(
                            h,
                            task.conversationId(),
                            task.messageId(),
                            result.content(),
                            result.model(),
                            result.costUsd(),
                            now);
                    List<FileInfo> stored = files.insert(h, task.userId(), task.messageId(), result.files(), now);
                    usage.record(h, task.userId(), result, now); // issue 20: counted with the completion, once
                    TaskResult answer = new TaskResult(result.content(), result.model(), result.costUsd(), stored);
                    return eventLog.appendWritten(
                            h, task.userId(), "task.completed", g -> TaskEvents.writeCompleted(g, task, answer));
                });
    }

    /**
     * Records a failed attempt: a retriable failure with attempts left goes back on the queue;
     * otherwise the task fails with {@code error} (answer and event in one transaction). False when
     * the lease was lost.
     */
    public boolean fail(Claim claim, String error, boolean retriable) {
        int maxAttempts = attemptsOf(claim.lane());
        if (retriable && claim.attempt() < maxAttempts) {
            boolean requeued = database.inTransaction(h -> {
                boolean done = tasks.requeue(h, claim.taskId(), claim.leaseId(), clock.instant());
                if (done) {
                    conversations.setPendingStatus(h, claim.messageId(), TaskStatus.QUEUED);
                }
                return done;
            });
            if (requeued) {
                // The error text stays out of INFO: a worker's or an endpoint's words may quote the
                // message; at DEBUG it is shown with its control characters replaced.
                log.info(
                        "Task {} on lane {} failed (attempt {} of {}), retrying",
                        claim.taskId(),
                        claim.lane(),
                        claim.attempt(),
                        maxAttempts);
                log.debug("Task {} failed: {}", claim.taskId(), LogText.clean(error));
                signals.queued(claim.lane());
            }
            return requeued;
        }
        String finalError = retriable ? error + " (gave up after " + claim.attempt() + " attempts)" : error;
        Optional<Event> event = database.inTransaction(h -> {
            Instant now = clock.instant();
            return tasks.finish(h, claim.taskId(), claim.leaseId(), TaskStatus.FAILED, finalError, now)
                    .map(task -> {
                        conversations.fail(h, task.conversationId(), task.messageId(), finalError, now);
                        return eventLog.append(
                                h, task.userId(), "task.failed", TaskEvents.failedData(task, finalError));
                    });
        });
        event.ifPresent(e -> {
            log.info(
                    "Task {} on lane {} failed (attempt {} of {})",
                    claim.taskId(),
                    claim.lane(),
                    claim.attempt(),
                    maxAttempts);
            log.debug("Task {} failed: {}", claim.taskId(), LogText.clean(finalError));
            notifier.published(List.of(e));
        });
        return event.isPresent();
    }
}
