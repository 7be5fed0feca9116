// The stream's state and decisions, on its scheduler's one thread: it wires the parts and decides
// what their news means for the tasks callers wait for. LanechatStream is its public face.
package dev.lanechat.client;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Not thread-safe: every method runs on the scheduler's thread, except the volatile reads {@link
 * #status()}, {@link #everReady()} and {@link #lastEventId()}.
 */
final class StreamEngine {
    /** The stream's settings, from {@link LanechatStream.Builder}. */
    record Settings(
            Duration pollInterval,
            Duration healthInterval,
            Duration watchdogTimeout,
            Duration sendRetryWindow,
            long since,
            RandomGenerator random) {}

    private final LanechatClient client;
    private final Listeners listeners;
    private final PendingTasks pending = new PendingTasks();
    private final ProgressTracker progress = new ProgressTracker();
    private final HealthMonitor health;
    private final TaskPoller poller;
    private final SendRetrier sender;
    private final SocketSession socket;
    private boolean running;
    private boolean closed;
    private volatile ConnectionStatus status = ConnectionStatus.DISCONNECTED;

    StreamEngine(
            LanechatClient client,
            Scheduler scheduler,
            Transport transport,
            URI wsUrl,
            Listeners listeners,
            Settings s) {
        this.client = client;
        this.listeners = listeners;
        this.health = new HealthMonitor(scheduler, client::healthAsync, s.healthInterval(), this::updateStatus);
        this.socket = new SocketSession(
                scheduler,
                transport,
                wsUrl,
                client.token(),
                client.mapper(),
                new Backoff(s.random()),
                s.watchdogTimeout(),
                s.since(),
                listeners,
                new Frames());
        this.poller = new TaskPoller(
                scheduler,
                client::taskAsync,
                s.pollInterval(),
                pending::ids,
                () -> running && !socket.subscribed(),
                new Polled());
        this.sender = new SendRetrier(
                scheduler, client::sendMessageAsync, s.random(), s.sendRetryWindow(), () -> running, health::note);
    }

    ConnectionStatus status() {
        return status;
    }

    /** Whether any subscribe has been answered: from then on the socket covers every new event. */
    boolean everReady() {
        return socket.everReady();
    }

    long lastEventId() {
        return socket.lastEventId();
    }

    void start() {
        if (running || closed) {
            return;
        }
        running = true;
        health.checkNow();
        socket.start();
    }

    /** Stops everything; tracked tasks fail with {@code error}. */
    void stop(LanechatException error) {
        closed = true;
        running = false;
        socket.stop();
        poller.close();
        health.stop();
        pending.failAll(error);
    }

    /**
     * Sends and tracks the task; {@code result} gets its outcome (see {@link LanechatStream#send}).
     *
     * @param beforeCoverage whether the send was asked for before the first subscribe was answered
     */
    void send(
            String conversationId,
            String content,
            String lane,
            Consumer<SendReceipt> onAccepted,
            boolean beforeCoverage,
            CompletableFuture<TaskOutcome> result) {
        // Every outcome, a failure too, ends in result; the stage after it carries nothing.
        var unused = sender.send(conversationId, content, lane, result).whenComplete((receipt, err) -> {
            if (err != null) {
                result.completeExceptionally(err);
                return;
            }
            if (onAccepted != null && receipt != null) {
                Listeners.safely(() -> onAccepted.accept(receipt));
            }
            accepted(result, receipt, beforeCoverage);
        });
    }

    /** Tracks a task sent some other way; {@code result} gets its outcome. */
    void track(String taskId, CompletableFuture<TaskOutcome> result) {
        forward(trackOnLoop(taskId), result);
    }

    private void accepted(CompletableFuture<TaskOutcome> result, SendReceipt receipt, boolean beforeCoverage) {
        if (receipt == null || receipt.taskId() == null) {
            result.completeExceptionally(
                    new LanechatException("the server accepted the message but named no task", null));
            return;
        }
        if ("completed".equals(receipt.status()) && receipt.result() != null) {
            TaskOutcome now = TaskOutcome.fromReceipt(receipt);
            var unused = pending.track(receipt.taskId()); // tracked so its event is known; result gets the outcome
            deliver(now);
            result.complete(now);
            return;
        }
        if (beforeCoverage && socket.subscribed()) {
            poller.poll(receipt.taskId());
        }
        forward(trackOnLoop(receipt.taskId()), result);
    }

    private static void forward(CompletableFuture<TaskOutcome> from, CompletableFuture<TaskOutcome> to) {
        var unused = from.whenComplete((o, e) -> { // every outcome ends in 'to'
            if (e != null) {
                to.completeExceptionally(Failures.unwrap(e));
            } else {
                to.complete(o);
            }
        });
    }

    private CompletableFuture<TaskOutcome> trackOnLoop(String taskId) {
        CompletableFuture<TaskOutcome> f = pending.track(taskId);
        if (!f.isDone()) {
            poller.ensure();
        }
        return f;
    }

    private void deliver(TaskOutcome o) {
        if (o.taskId() != null) {
            progress.ended(o.taskId());
        }
        CompletableFuture<TaskOutcome> f = pending.complete(o);
        if (f != null) {
            listeners.outcome(o);
            f.complete(o);
        }
    }

    private void updateStatus() {
        ConnectionStatus now = ConnectionStatus.of(health.apiUp(), socket.subscribed());
        if (now != status) {
            status = now;
            listeners.status(now);
        }
    }

    /** The socket's news. */
    private final class Frames implements SocketSession.Owner {
        @Override
        public void subscribed(long lastId, boolean sweep) {
            poller.pause();
            updateStatus();
            if (sweep) {
                poller.sweep(); // no replay covered the gap: ask once for every pending task
            }
            listeners.ready(lastId);
        }

        @Override
        public void update(Event e, TaskOutcome.Delivery delivery) {
            if (e.taskId() != null && TaskOutcome.isEnd(e)) {
                progress.ended(e.taskId());
            }
            listeners.event(e);
            TaskOutcome o = TaskOutcome.fromEvent(e, client.mapper(), delivery);
            if (o != null) {
                deliver(o);
            }
        }

        @Override
        public void progress(Event e) {
            listeners.event(e);
            String taskId = e.taskId();
            String delta = e.text("delta");
            var off = e.data() == null ? null : e.data().get("offset");
            if (taskId == null || delta == null || off == null || !off.canConvertToLong()) {
                return;
            }
            long offset = off.asLong();
            ProgressTracker.Verdict verdict = progress.frame(taskId, offset, delta.length());
            if (verdict instanceof ProgressTracker.Deliver) {
                listeners.progress(taskId, e.text("message_id"), delta, offset);
            } else if (verdict instanceof ProgressTracker.Gap gap) {
                listeners.gap(taskId, gap.expected(), offset);
            }
        }

        @Override
        public void down() {
            updateStatus();
            if (running) {
                // The API may have gone with the socket: find out now rather than at the next health tick.
                health.checkNow();
                poller.ensure();
            }
        }
    }

    /** The poller's news. */
    private final class Polled implements TaskPoller.Sink {
        @Override
        public void finished(Task task) {
            deliver(TaskOutcome.fromTask(task, TaskOutcome.Delivery.POLL));
        }

        @Override
        public void gone(String taskId, LanechatApiException notFound) {
            pending.fail(taskId, notFound);
        }

        @Override
        public void answered(Throwable failure) {
            health.note(failure);
        }
    }
}
