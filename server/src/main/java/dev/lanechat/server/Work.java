package dev.lanechat.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.conversations.ConversationQueries;
import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.conversations.ConversationRows;
import dev.lanechat.server.conversations.ConversationService;
import dev.lanechat.server.conversations.ConversationSettings;
import dev.lanechat.server.conversations.MessageTree;
import dev.lanechat.server.conversations.ReadMarkers;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.tasks.LaneRunner;
import dev.lanechat.server.tasks.Tasks;
import dev.lanechat.server.tasks.WorkerQueue;
import dev.lanechat.server.usage.UsageLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lanes phase: conversations and the tasks that answer them, the runners of the lanes this
 * server runs itself (built here, started once the server listens) and the queue that remote
 * workers claim from. On a store this process owns alone, what the previous run left running is
 * put back on the queue first.
 */
record Work(
        FileRepository files,
        ConversationRows conversationRows,
        UsageLedger usage,
        Tasks tasks,
        ConversationService conversations,
        List<LaneRunner> runners,
        WorkerQueue workerQueue) {
    private static final Logger log = LoggerFactory.getLogger(Work.class);

    static Work wire(
            Config config,
            Database database,
            Lanes lanes,
            Delivery delivery,
            ObjectMapper json,
            Clock clock,
            Closers closers) {
        FileRepository files = new FileRepository(database.jdbi());
        ConversationRepository conversationRepository = new ConversationRepository();
        ConversationRows conversationRows = new ConversationRows();
        UsageLedger usage = new UsageLedger(database);
        Tasks tasks = Tasks.create(
                database,
                conversationRepository,
                files,
                delivery.eventLog(),
                delivery.notifier(),
                lanes,
                json,
                clock,
                config.lease(),
                config.maxAttempts(),
                config.historyMessages(),
                config.historyBytes(),
                usage,
                delivery.progress());
        RateLimiter conversationLimiter =
                new RateLimiter(config.conversationBurst(), config.conversationPerMinute() / 60.0, System::nanoTime);
        ConversationService conversations = new ConversationService(
                database.jdbi(),
                new ConversationQueries(),
                conversationRows,
                conversationRepository,
                new MessageTree(files),
                new ReadMarkers(),
                files,
                tasks.cancellations(),
                delivery.eventLog(),
                delivery.notifier(),
                clock,
                conversationLimiter,
                new ConversationSettings(lanes));
        if (database.dialect().singleProcess()) {
            recoverFromPreviousRun(tasks);
        }
        List<LaneRunner> runners = lanes.all().stream()
                .filter(lane -> !lane.servedByWorkers())
                .map(lane -> new LaneRunner(
                        lane, tasks, delivery.timers().executor(), delivery.progress(), delivery.metrics()))
                .toList();
        WorkerQueue workerQueue = closers.add(
                "worker queue", new WorkerQueue(tasks, delivery.timers().executor()));
        return new Work(files, conversationRows, usage, tasks, conversations, runners, workerQueue);
    }

    /**
     * This server owns the store alone (the data dir is locked): whatever it finds running was
     * left by a crash of its own, so it is retried now rather than after its lease.
     */
    private static void recoverFromPreviousRun(Tasks tasks) {
        int held = tasks.claims().releaseAllHeld();
        if (held > 0) {
            log.info("Put {} task(s) handed over in memory by the previous run back on the queue", held);
        }
        int orphans = tasks.sweep().sweepExpiredLeases(Instant.ofEpochMilli(Long.MAX_VALUE));
        if (orphans > 0) {
            log.info("Requeued or failed {} task(s) left running by the previous run", orphans);
        }
    }

    /** Starts the runners; stopping them gives their running tasks {@code grace} to finish. */
    void startRunners(java.time.Duration grace, Closers closers) {
        runners.forEach(LaneRunner::start);
        closers.add("lane runners", () -> runners.forEach(runner -> runner.stop(grace)));
    }
}
