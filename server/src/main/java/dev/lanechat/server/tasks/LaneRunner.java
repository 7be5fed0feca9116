package dev.lanechat.server.tasks;

import dev.lanechat.server.lanes.Lane;
import dev.lanechat.server.lanes.OpenAiProcessor;
import dev.lanechat.server.lanes.ProcessingFailed;
import dev.lanechat.server.lanes.ProcessorContext;
import dev.lanechat.server.lanes.ProcessorInput;
import dev.lanechat.server.lanes.ProcessorResult;
import dev.lanechat.server.logging.LogText;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.store.StoreErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one lane's in-server processor: {@code concurrency} loops that take a task (handed over by
 * its submit in memory, or claimed from the store), process it while renewing its lease where
 * leases run out, and complete or fail it; a completion is queued for the store's writer and
 * the loop goes on at once. A loop sleeps until a submit wakes it, or a second passes (so work
 * queued by another node, or missed wake-ups, is still found).
 *
 * <p>Over 300 lines: the hand-over bookkeeping (idle loops, the in-memory backlog, cancel, stop)
 * and the loop that uses it must be read together; split, each half would hide the other's rules.
 */
public final class LaneRunner {
    private static final Logger log = LoggerFactory.getLogger(LaneRunner.class);
    private static final long IDLE_POLL_MS = 1000;
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

    private final Lane lane;
    private final Claims claims;
    private final Completions completions;
    private final Cancellations cancellations;
    private final ProcessorInputs inputs;
    private final Handoffs handoffs;
    private final Leases leases;
    private final ScheduledExecutorService timers;
    private final Object wakeUp = new Object();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private long wakeUps;
    /** Loops waiting for work, less the reservations of submits about to hand them a task. */
    private final AtomicInteger idle = new AtomicInteger();
    /**
     * Whether the store may hold queued tasks of this lane: set by a queued task's wake-up and by
     * an idle loop's periodic look, cleared by a claim that found none. A loop that finished a task
     * claims from the store only then (a claim that finds nothing still costs a commit on SQLite).
     */
    private final AtomicBoolean maybeQueued = new AtomicBoolean(true);
    /** Tasks handed over in memory (already running in the store), not yet taken by a loop. */
    private final Queue<Handed> handed = new ConcurrentLinkedQueue<>();
    /**
     * How many tasks a lane holds in memory beyond its busy loops. A submit hands its task over
     * even when no loop is idle (issue 15: with 32 submits in flight and 4 loops, most tasks were
     * queued, and each loop then claimed them one commit at a time). A handed task is stored queued
     * under a hold of this process: on SQLite only a restart ends it, so a crash requeues it; on
     * PostgreSQL it is a lease of this node, which the other nodes' sweep ends if it dies.
     */
    private static final int HANDED_MAX = 1024;
    /** Tasks handed or reserved, not yet taken by a loop. */
    private final AtomicInteger backlog = new AtomicInteger();

    /** A task handed over by its submit, with its message's content, and when (System.nanoTime). */
    private record Handed(Claim claim, String content, long at) {}

    private static final class Running implements ProcessorContext {
        final Thread thread;
        final Claim claim;
        final ProgressSink sink;
        volatile boolean cancelled;
        private int offset;

        Running(Thread thread, Claim claim, ProgressSink sink) {
            this.thread = thread;
            this.claim = claim;
            this.sink = sink;
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public void progress(String delta) {
            if (!cancelled && delta != null && !delta.isEmpty()) {
                sink.progress(claim, delta, offset);
                offset += delta.length();
            }
        }
    }

    private final ProgressSink progress;

    private final ServerMetrics metrics;

    public LaneRunner(
            Lane lane, Tasks tasks, ScheduledExecutorService timers, ProgressSink progress, ServerMetrics metrics) {
        this.metrics = metrics;
        this.lane = lane;
        this.claims = tasks.claims();
        this.completions = tasks.completions();
        this.cancellations = tasks.cancellations();
        this.inputs = tasks.inputs();
        this.handoffs = tasks.handoffs();
        this.leases = tasks.leases();
        TaskSignals signals = tasks.signals();
        this.timers = timers;
        this.progress = progress;
        signals.onQueued(name -> {
            if (name.equals(lane.name())) {
                maybeQueued.set(true);
                wake();
            }
        });
        signals.onCancelled(this::cancel);
        handoffs.handOffTo(lane.name(), new Handoff() {
            @Override
            public boolean reserve() {
                if (handoffs.handsOverQueued()) {
                    if (backlog.incrementAndGet() <= HANDED_MAX) {
                        return true;
                    }
                    backlog.decrementAndGet();
                    return false;
                }
                return idle.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
            }

            @Override
            public void unreserve() {
                if (handoffs.handsOverQueued()) {
                    backlog.decrementAndGet();
                } else {
                    idle.incrementAndGet();
                }
            }

            @Override
            public void hand(Claim claim, String content) {
                handed.add(new Handed(claim, content, System.nanoTime()));
                wake();
            }
        });
    }

    public void start() {
        for (int i = 0; i < lane.concurrency(); i++) {
            Thread thread = new Thread(this::loop, "lane-" + lane.name() + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Stops claiming and gives running tasks {@code grace} to finish; those still running then are
     * interrupted and handed back to the queue (or, if that fails, left to their lease).
     */
    public void stop(Duration grace) {
        stopping = true;
        wakeAll();
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            thread.interrupt();
        }
        // The interrupted ones hand their tasks back to the queue: let them finish that before the
        // store closes (without this, some were left 'running' and cost an attempt at the next start).
        long released = System.nanoTime() + RELEASE_WAIT.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (released - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // Tasks handed over but never started go back on the queue too.
        for (Handed task; (task = taken()) != null; ) {
            if (handoffs.handsOverQueued()) {
                try {
                    claims.releaseHeld(task.claim());
                } catch (RuntimeException e) {
                    // The next start gives it back to the queue (Claims.releaseAllHeld).
                }
            } else {
                releaseQuietly(task.claim());
            }
        }
    }

    /** One submit wakes one idle loop (issue 15: waking all made the others run an empty claim). */
    private void wake() {
        synchronized (wakeUp) {
            wakeUps++;
            wakeUp.notify();
        }
    }

    private void wakeAll() {
        synchronized (wakeUp) {
            wakeUps++;
            wakeUp.notifyAll();
        }
    }

    private void cancel(String taskId) {
        if (handed.removeIf(task -> task.claim().taskId().equals(taskId)) && handoffs.handsOverQueued()) {
            backlog.decrementAndGet();
        } // its completion would be refused anyway
        Running task = running.get(taskId);
        if (task != null) {
            task.cancelled = true;
            task.thread.interrupt();
        }
    }

    private void loop() {
        while (!stopping) {
            long seen;
            synchronized (wakeUp) {
                seen = wakeUps;
            }
            boolean worked;
            try {
                worked = runOne();
            } catch (RuntimeException e) {
                log.warn("Lane {}: the store failed ({}); retrying in a second", lane.name(), StoreErrors.describe(e));
                worked = false;
            }
            if (!worked) {
                synchronized (wakeUp) {
                    if (wakeUps == seen && !stopping && handed.isEmpty()) {
                        idle.incrementAndGet();
                        try {
                            long waitStart = System.nanoTime();
                            wakeUp.wait(IDLE_POLL_MS);
                            if (System.nanoTime() - waitStart >= IDLE_POLL_MS * 1_000_000L) {
                                maybeQueued.set(true); // a second without a wake-up: look at the store
                            }
                        } catch (InterruptedException e) {
                            if (stopping) {
                                return;
                            }
                        } finally {
                            // A loop that leaves with a task handed to it was counted off by the
                            // submit's reservation; any other counts itself off.
                            if (handed.isEmpty()) {
                                idle.getAndUpdate(n -> n > 0 ? n - 1 : n);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The next task handed over, taken off the backlog; null when there is none. */
    private Handed taken() {
        Handed task = handed.poll();
        if (task != null && handoffs.handsOverQueued()) {
            backlog.decrementAndGet();
        }
        return task;
    }

    /**
     * Whether a handed task may still run here: where holds run out (PostgreSQL), one that waited
     * in the backlog for over half its lease has its hold extended first, and if it was lost (the
     * sweep gave it back to the queue, or another node cancelled it) it is left to whoever has it.
     */
    private boolean stillHeld(Handed task) {
        if (!leases.inServerLeasesExpire()
                || System.nanoTime() - task.at() < leases.lease().toNanos() / 2) {
            return true;
        }
        try {
            return claims.renewHeld(task.claim());
        } catch (RuntimeException e) {
            log.warn(
                    "Lane {}: could not extend the hold of task {}: {}",
                    lane.name(),
                    task.claim().taskId(),
                    StoreErrors.describe(e));
            return false; // its hold runs out and the sweep gives it back to the queue
        }
    }

    private boolean releaseQuietly(Claim claim) {
        try {
            return claims.release(claim);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean runOne() {
        Handed task = taken();
        while (task != null && !stillHeld(task)) {
            task = taken();
        }
        Claim claim = task != null ? task.claim() : null;
        BooleanSupplier unstart = null;
        if (task != null && handoffs.handsOverQueued()) {
            unstart = claims.startLater(claim);
        }
        if (claim == null && maybeQueued.getAndSet(false)) {
            claim = claims.claim(lane.name()).orElse(null);
            if (claim != null) {
                maybeQueued.set(true); // there may be more behind it
            }
        }
        if (claim == null) {
            return false;
        }
        run(claim, task != null ? task.content() : null, unstart);
        return true;
    }

    /**
     * Queues the completion and frees the loop at once; a completion that fails (the store) is
     * retried as a failed attempt, off the writer's thread.
     */
    private void completeLater(Claim claim, ProcessorResult result, BooleanSupplier unstart) {
        // A start the writer has not begun yet is taken back: one write unit fewer. Taken back or
        // not, the completion ends the task, since it accepts one still held queued under its lease.
        if (unstart != null) {
            var unusedTakenBack = unstart.getAsBoolean();
        }
        var unused = completions.completeLater(claim, result).whenComplete((completed, error) -> {
            // On the writer's thread: only the quick part here. Issue 15: handing every completion
            // to another thread cost a wake-up per task.
            progress.released(claim.taskId()); // its end is committed (or failed): text no longer shown
            if (error != null) {
                timers.execute(() -> failAfterStoreError(claim, error));
            }
        });
    }

    private void failAfterStoreError(Claim claim, Throwable error) {
        log.warn(
                "Lane {}: task {} could not be completed: {}",
                lane.name(),
                claim.taskId(),
                StoreErrors.describeWithPlace(error));
        try {
            completions.fail(claim, "the " + lane.name() + " lane failed: " + StoreErrors.describe(error), true);
        } catch (RuntimeException e) {
            log.warn(
                    "Lane {}: task {} is left to the start-up sweep: {}",
                    lane.name(),
                    claim.taskId(),
                    StoreErrors.describe(e));
        }
    }

    /**
     * A task cancelled on another node was stored without the text it streamed here: store it now
     * (a no-op when it was cancelled on this node, which stored its text with the cancel).
     */
    private void keepStoppedText(Claim claim) {
        try {
            String kept = cancellations.textSoFar(claim.taskId()).orElse("");
            if (cancellations.keepStoppedText(claim, kept)) {
                log.info(
                        "Lane {}: task {} was stopped on another node; its text so far is kept",
                        lane.name(),
                        claim.taskId());
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Lane {}: the text of stopped task {} was not kept: {}",
                    lane.name(),
                    claim.taskId(),
                    StoreErrors.describe(e));
        }
    }

    /**
     * Runs a claimed task to its end: its completion is queued for the store's writer, and the loop
     * is free at once.
     *
     * @param content its message's content when the submit handed it over, else null (then read)
     * @param unstart takes back the task's queued start (SQLite's handed task), else null
     */
    private void run(Claim claim, String content, BooleanSupplier unstart) {
        boolean releasedLater = false;
        Running context = new Running(Thread.currentThread(), claim, progress);
        progress.started(claim);
        running.put(claim.taskId(), context);
        long started = System.nanoTime();
        long renewMs = Math.max(100, leases.lease().toMillis() / 3);
        // A claim on single-process SQLite holds a lease that does not run out while this process
        // lives: nothing to renew.
        ScheduledFuture<?> renewal = !leases.inServerLeasesExpire()
                ? null
                : timers.scheduleAtFixedRate(
                        () -> {
                            try {
                                if (!claims.renew(claim)) {
                                    cancel(claim.taskId());
                                }
                            } catch (RuntimeException e) {
                                log.warn(
                                        "Lane {}: could not renew the lease of task {}: {}",
                                        lane.name(),
                                        claim.taskId(),
                                        StoreErrors.describe(e));
                            }
                        },
                        renewMs,
                        renewMs,
                        TimeUnit.MILLISECONDS);
        try {
            boolean withHistory = lane.processor().usesHistory();
            ProcessorInput input = content != null && !withHistory
                    ? new ProcessorInput(claim.taskId(), content, List.of())
                    : inputs.inputOf(claim, withHistory);
            ProcessorResult result = lane.processor().process(input, context);
            // A cancelled run's stream is ended in the finally below, like any other end.
            if (!context.cancelled) {
                progress.answered(claim.taskId()); // the final event carries it all: no preview after
                if (stopping) {
                    completions.complete(claim, result);
                } else {
                    completeLater(claim, result, unstart);
                    releasedLater = true;
                }
            }
        } catch (ProcessingFailed e) {
            completions.fail(claim, e.getMessage(), false);
        } catch (InterruptedException e) {
            if (!context.cancelled && stopping) {
                boolean released = releaseQuietly(claim);
                log.info(
                        "Lane {}: task {} stopped by shutdown; {}",
                        lane.name(),
                        claim.taskId(),
                        released ? "back on the queue" : "its lease will expire and it will be retried");
            }
        } catch (Exception e) {
            if (!context.cancelled) {
                // The log gets no exception text (a store error's quotes the bound values); the
                // stored error, which only the task's owner sees, keeps a processor's own words.
                log.warn(
                        "Lane {}: task {} failed: {}",
                        lane.name(),
                        claim.taskId(),
                        e instanceof OpenAiProcessor.EndpointUnavailable
                                ? LogText.clean(e.getMessage())
                                : StoreErrors.describeWithPlace(e));
                String why = StoreErrors.isStoreError(e) || e.getMessage() == null
                        ? StoreErrors.describe(e)
                        : e.getMessage();
                completions.fail(claim, "the " + lane.name() + " lane failed: " + why, true);
            }
        } finally {
            progress.ended(claim.taskId());
            if (renewal != null) {
                renewal.cancel(false);
            }
            if (context.cancelled && leases.inServerLeasesExpire()) {
                keepStoppedText(claim);
            }
            if (!releasedLater) {
                progress.released(claim.taskId());
            }
            running.remove(claim.taskId());
            metrics.taskEnded(lane.name(), System.nanoTime() - started);
            Thread.interrupted();
        }
    }
}
