// The stream's public face: ONE WebSocket to /ws with protocol.md's client behaviour, and futures
// of the tasks callers wait for. The work is StreamEngine's, which wires one part per job:
// SocketSession (the socket, backoff, since, watchdog, reset), SendRetrier (a send through an
// outage), TaskPoller (HTTP polling while the socket is down), HealthMonitor (is the API up),
// ProgressTracker (the offset rule of progress frames), PendingTasks (who waits for what).
package dev.lanechat.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A live connection to a Lanechat server's event stream, and the simplest way to send a message
 * and get its answer: {@link #send(String, String)} returns a future that completes exactly once
 * with the task's outcome, whether the result comes live on the socket, in the replay after a
 * reconnect, or by HTTP polling while the socket is down.
 *
 * <p>Behaviour, per the protocol's client section: reconnects after any close or failure after 1,
 * 2, 4, 8, 16, 30, 30 … s plus up to 20 % jitter (back to 1 s after an open), waiting at least a
 * server's {@code retry_after_ms}; subscribes with {@code since} = the highest event id seen;
 * treats 60 s without any frame as a dead socket; drops duplicate events; reports {@code reset}
 * to listeners; and reports a {@link ConnectionStatus} from the API health check and the socket.
 *
 * <pre>{@code
 * LanechatClient api = LanechatClient.builder().url("http://127.0.0.1:8080").build();
 * try (LanechatStream stream = LanechatStream.builder(api).build()) {
 *   stream.start();
 *   TaskOutcome answer = stream.send(api.createConversation(null).id(), "hello").join();
 * }
 * }</pre>
 *
 * <p>All state lives on the scheduler's single thread; public methods are thread-safe.
 */
public final class LanechatStream implements AutoCloseable {
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final URI wsUrl;
    private final Listeners listeners;
    private final StreamEngine engine;
    /** Every future handed out and not yet done, so close() can fail even those still in flight. */
    private final Set<CompletableFuture<TaskOutcome>> outstanding = ConcurrentHashMap.newKeySet();

    private LanechatStream(Builder b) {
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : new SystemScheduler("lanechat-stream");
        this.wsUrl = b.wsUrl != null ? b.wsUrl : b.client.webSocketUrl();
        this.listeners = new Listeners(b.listeners);
        Transport transport =
                b.transport != null ? b.transport : new JdkTransport(b.client.httpClient(), Duration.ofSeconds(5));
        StreamEngine.Settings settings = new StreamEngine.Settings(
                b.pollInterval, b.healthInterval, b.watchdogTimeout, b.sendRetryWindow, b.since, b.random);
        this.engine = new StreamEngine(b.client, scheduler, transport, wsUrl, listeners, settings);
    }

    /**
     * @param client the HTTP client whose server, token and HTTP connection pool the stream uses
     * @return a builder
     */
    public static Builder builder(LanechatClient client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /**
     * Opens the socket and starts the health checks; reconnects on its own from then on. Call it
     * before {@link #send}: a stream that is not started neither listens nor polls.
     */
    public void start() {
        scheduler.execute(engine::start);
    }

    /**
     * Adds a listener; it hears what happens from now on.
     *
     * @param listener the listener
     */
    public void addListener(StreamListener listener) {
        listeners.add(listener);
    }

    /** @param listener a listener added before; it hears nothing more */
    public void removeListener(StreamListener listener) {
        listeners.remove(listener);
    }
    /**
     * Sends a message in the default lane; see {@link #send(String, String, String)}.
     *
     * @param conversationId the conversation
     * @param content the text
     * @return the outcome, completed exactly once
     */
    public CompletableFuture<TaskOutcome> send(String conversationId, String content) {
        return send(conversationId, content, null);
    }

    /**
     * Sends a message and tracks its task. The future completes exactly once: normally with the
     * outcome ({@link TaskOutcome#completed()} tells completed from failed), or exceptionally with
     * a {@link LanechatException} when the send itself was refused or could not reach the server
     * (within {@link Builder#sendRetryWindow}),
     * when the task disappeared (its conversation was deleted), or when the stream was closed.
     * It completes on the stream's thread: chain blocking work with an {@code …Async} stage, and do
     * not call {@link #close()} from that thread.
     *
     * @param conversationId the conversation
     * @param content the text
     * @param lane the lane, or null for the default
     * @return the outcome
     */
    public CompletableFuture<TaskOutcome> send(String conversationId, String content, String lane) {
        return send(conversationId, content, lane, null);
    }

    /**
     * Like {@link #send(String, String, String)}, and tells {@code onAccepted} the server's answer
     * (task and message id) as soon as it is known, on the stream's thread, before any later event
     * of the task reaches a listener. Progress frames can beat the 202 answer: a listener that
     * wants the stream of this one task keeps frames of unknown tasks until then.
     *
     * @param conversationId the conversation
     * @param content the text
     * @param lane the lane, or null for the default
     * @param onAccepted called once with the 202 answer; may be null
     * @return the outcome
     */
    public CompletableFuture<TaskOutcome> send(
            String conversationId, String content, String lane, Consumer<SendReceipt> onAccepted) {
        CompletableFuture<TaskOutcome> result = handOut();
        // A task sent before the first ready may finish before the socket covers its events (the
        // first subscribe has no since): such a task is asked for once after it is tracked.
        boolean beforeCoverage = !engine.everReady();
        scheduler.execute(() -> engine.send(conversationId, content, lane, onAccepted, beforeCoverage, result));
        return result;
    }

    /**
     * Tracks a task sent some other way (e.g. with {@link LanechatClient#sendMessage}).
     *
     * @param taskId the task
     * @return its outcome; the same future for repeated calls while it is pending
     */
    public CompletableFuture<TaskOutcome> track(String taskId) {
        CompletableFuture<TaskOutcome> result = handOut();
        scheduler.execute(() -> engine.track(taskId, result));
        return result;
    }

    private CompletableFuture<TaskOutcome> handOut() {
        CompletableFuture<TaskOutcome> f = new CompletableFuture<>();
        outstanding.add(f);
        var unused = f.whenComplete((o, e) -> outstanding.remove(f)); // a set removal: nothing can fail
        return f;
    }

    /** @return the current connection status */
    public ConnectionStatus status() {
        return engine.status();
    }

    /** @return the highest event id seen, or -1 before the first {@code ready} */
    public long lastEventId() {
        return engine.lastEventId();
    }

    /** @return the WebSocket URL this stream connects to */
    public URI webSocketUrl() {
        return wsUrl;
    }

    /**
     * Closes the socket and stops every timer. Futures still pending complete exceptionally with
     * a {@link LanechatException}; the tasks themselves go on on the server.
     */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            engine.stop(new LanechatException("the stream was closed", null));
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception notConfirmed) {
            // The scheduler is gone or stuck: shutting it down below is all that is left to do.
        }
        if (ownsScheduler) {
            scheduler.shutdown();
        }
        LanechatException closedError = new LanechatException("the stream was closed", null);
        List.copyOf(outstanding).forEach(f -> f.completeExceptionally(closedError));
    }

    /** Configures a {@link LanechatStream}. */
    public static final class Builder {
        private final LanechatClient client;
        private URI wsUrl;
        private Transport transport;
        private Scheduler scheduler;
        private RandomGenerator random = new java.util.Random();
        private Duration pollInterval = Duration.ofSeconds(2);
        private Duration healthInterval = Duration.ofSeconds(10);
        private Duration watchdogTimeout = Duration.ofSeconds(60);
        private Duration sendRetryWindow = Duration.ZERO;
        private long since = -1;
        private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();

        private Builder(LanechatClient client) {
            this.client = client;
        }

        /**
         * @param url the WebSocket URL, when it is not {@code /ws} on the API's origin (e.g. behind a
         *     separate proxy)
         */
        public Builder webSocketUrl(URI url) {
            this.wsUrl = url;
            return this;
        }

        /** @param scheduler the clock and timers (tests pass one whose time they control) */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** @param random the source of the backoff's jitter */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** @param interval how often pending tasks are polled while the socket is down (default 2 s) */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Objects.requireNonNull(interval);
            return this;
        }

        /** @param interval how often {@code /api/health} is checked (default 10 s) */
        public Builder healthInterval(Duration interval) {
            this.healthInterval = Objects.requireNonNull(interval);
            return this;
        }

        /** @param timeout silence after which the socket counts as dead (default 60 s, per protocol) */
        public Builder watchdogTimeout(Duration timeout) {
            this.watchdogTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * @param window how long {@code send} keeps retrying (with the same {@code Idempotency-Key})
         *     while the server cannot be reached, e.g. during a restart; default 0: fail at once
         */
        public Builder sendRetryWindow(Duration window) {
            this.sendRetryWindow = Objects.requireNonNull(window);
            return this;
        }

        /**
         * @param eventId resume after this event id on the first subscribe (default: no replay, start
         *     from the server's newest id)
         */
        public Builder since(long eventId) {
            this.since = eventId;
            return this;
        }

        /** @param listener a listener registered before the stream starts, so it misses nothing */
        public Builder listener(StreamListener listener) {
            this.listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** @return the stream, not yet started */
        public LanechatStream build() {
            return new LanechatStream(this);
        }
    }
}
