// The stream: ONE WebSocket to /ws with protocol.md's client behaviour (backoff, resume with
// since, watchdog, retry_after_ms, reset), the pending-task registry that falls back to HTTP
// polling while the socket is down, and the FULL/PARTIAL/DISCONNECTED status.
package dev.lanechat.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private final LanechatClient client;
  private final ObjectMapper json;
  private final URI wsUrl;
  private final Transport transport;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Backoff backoff;
  private final Duration pollInterval;
  private final Duration healthInterval;
  private final long watchdogMs;
  private final Duration sendRetryWindow;
  private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();
  private final PendingTasks pending = new PendingTasks();
  /** Every future handed out and not yet done, so close() can fail even those still in flight. */
  private final Set<CompletableFuture<TaskOutcome>> outstanding = ConcurrentHashMap.newKeySet();
  /** Whether any subscribe has been answered: from then on the socket covers every new event. */
  private volatile boolean everReady;

  // ---- state, touched only on the scheduler's thread --------------------------------------
  private boolean running;
  private boolean closed;
  /** Identifies the current socket; callbacks of older sockets are ignored. */
  private long generation;
  private Transport.Socket socket;
  private boolean subscribed;
  private boolean subscribedWithSince;
  private boolean resetSeen;
  /** The highest event id seen; -1 until the first ready (then subscribe without since). */
  private volatile long lastEventId;
  private long lastFrameAt;
  private long retryAfterMs;
  private boolean apiUp;
  private volatile ConnectionStatus status = ConnectionStatus.DISCONNECTED;
  private Scheduler.Cancellable reconnectTimer;
  private Scheduler.Cancellable watchdogTimer;
  private Scheduler.Cancellable pollTimer;
  private Scheduler.Cancellable healthTimer;
  private final Set<String> pollsInFlight = new HashSet<>();
  /** task id → the offset its next progress delta must have; -1 once a gap was seen. */
  private final Map<String, Long> progressNext = new HashMap<>();
  /** Tasks whose outcome event was seen (bounded): late progress frames for them are dropped. */
  private final Map<String, Boolean> progressEnded =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 1024;
        }
      };
  private static final int MAX_STREAMS = 1024;

  private LanechatStream(Builder b) {
    this.client = b.client;
    this.json = b.client.mapper();
    this.wsUrl = b.wsUrl != null ? b.wsUrl : b.client.webSocketUrl();
    this.transport =
        b.transport != null ? b.transport : new JdkTransport(b.client.httpClient(), Duration.ofSeconds(5));
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : new SystemScheduler("lanechat-stream");
    this.backoff = new Backoff(b.random);
    this.pollInterval = b.pollInterval;
    this.healthInterval = b.healthInterval;
    this.watchdogMs = b.watchdogTimeout.toMillis();
    this.sendRetryWindow = b.sendRetryWindow;
    this.lastEventId = b.since;
    this.listeners.addAll(b.listeners);
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
    scheduler.execute(
        () -> {
          if (running || closed) {
            return;
          }
          running = true;
          checkHealth();
          connect();
        });
  }

  /**
   * Adds a listener; it hears what happens from now on.
   *
   * @param listener the listener
   */
  public void addListener(StreamListener listener) {
    listeners.add(Objects.requireNonNull(listener));
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
      String conversationId, String content, String lane, java.util.function.Consumer<SendReceipt> onAccepted) {
    CompletableFuture<TaskOutcome> result = handOut();
    // A task sent before the first ready may finish before the socket covers its events (the
    // first subscribe has no since): such a task is asked for once after it is tracked.
    boolean beforeCoverage = !everReady;
    // One key for every attempt: if an attempt reached the server before its connection broke,
    // the retry gets the first answer back instead of creating a second task.
    String key = UUID.randomUUID().toString();
    long deadline = scheduler.nowMillis() + sendRetryWindow.toMillis();
    scheduler.execute(
        () -> attemptSend(result, conversationId, content, lane, key, beforeCoverage, deadline, 0, onAccepted));
    return result;
  }

  private void attemptSend(
      CompletableFuture<TaskOutcome> result,
      String conversationId,
      String content,
      String lane,
      String key,
      boolean beforeCoverage,
      long deadline,
      int attempt,
      java.util.function.Consumer<SendReceipt> onAccepted) {
    if (result.isDone()) {
      return; // the stream was closed meanwhile
    }
    client
        .sendMessageAsync(conversationId, content, lane, key)
        .whenComplete(
            (receipt, err) ->
                scheduler.execute(
                    () -> {
                      if (err != null) {
                        Throwable cause = unwrap(err);
                        noteApi(cause);
                        long wait = Math.min(Backoff.FIRST_MS << Math.min(attempt, 3), 8_000);
                        if (cause instanceof LanechatConnectionException
                            && running
                            && scheduler.nowMillis() + wait <= deadline) {
                          scheduler.schedule(
                              () -> attemptSend(result, conversationId, content, lane, key,
                                  beforeCoverage, deadline, attempt + 1, onAccepted),
                              Duration.ofMillis(wait));
                        } else {
                          result.completeExceptionally(cause);
                        }
                        return;
                      }
                      noteApi(null);
                      if (onAccepted != null && receipt != null) {
                        safely(() -> onAccepted.accept(receipt));
                      }
                      accepted(result, receipt, beforeCoverage);
                    }));
  }

  private void accepted(CompletableFuture<TaskOutcome> result, SendReceipt receipt, boolean beforeCoverage) {
    if (receipt == null || receipt.taskId() == null) {
      result.completeExceptionally(
          new LanechatException("the server accepted the message but named no task", null));
      return;
    }
    if ("completed".equals(receipt.status()) && receipt.result() != null) {
      TaskOutcome now = TaskOutcome.fromReceipt(receipt);
      pending.track(receipt.taskId());
      deliver(now);
      result.complete(now);
      return;
    }
    if (beforeCoverage && subscribed) {
      poll(receipt.taskId());
    }
    trackOnLoop(receipt.taskId())
        .whenComplete(
            (o, e) -> {
              if (e != null) {
                result.completeExceptionally(unwrap(e));
              } else {
                result.complete(o);
              }
            });
  }

  /**
   * Tracks a task sent some other way (e.g. with {@link LanechatClient#sendMessage}).
   *
   * @param taskId the task
   * @return its outcome; the same future for repeated calls while it is pending
   */
  public CompletableFuture<TaskOutcome> track(String taskId) {
    CompletableFuture<TaskOutcome> result = handOut();
    scheduler.execute(
        () ->
            trackOnLoop(taskId)
                .whenComplete((o, e) -> {
                  if (e != null) {
                    result.completeExceptionally(unwrap(e));
                  } else {
                    result.complete(o);
                  }
                }));
    return result;
  }

  private CompletableFuture<TaskOutcome> handOut() {
    CompletableFuture<TaskOutcome> f = new CompletableFuture<>();
    outstanding.add(f);
    f.whenComplete((o, e) -> outstanding.remove(f));
    return f;
  }

  /** @return the current connection status */
  public ConnectionStatus status() {
    return status;
  }

  /** @return the highest event id seen, or -1 before the first {@code ready} */
  public long lastEventId() {
    return lastEventId;
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
    scheduler.execute(
        () -> {
          closed = true;
          running = false;
          cancel(reconnectTimer);
          cancel(watchdogTimer);
          cancel(pollTimer);
          cancel(healthTimer);
          generation++;
          if (socket != null) {
            socket.close();
            socket = null;
          }
          subscribed = false;
          pending.failAll(new LanechatException("the stream was closed", null));
          done.complete(null);
        });
    try {
      done.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception notConfirmed) {
      // The scheduler is gone or stuck: shutting it down below is all that is left to do.
    }
    if (ownsScheduler) {
      scheduler.shutdown();
    }
    LanechatException closedError = new LanechatException("the stream was closed", null);
    List.copyOf(outstanding).forEach(f -> f.completeExceptionally(closedError));
  }

  // ---- socket lifecycle ---------------------------------------------------------------------

  private void connect() {
    if (!running) {
      return;
    }
    long gen = ++generation;
    transport
        .open(wsUrl, client.token(), handler(gen))
        .whenComplete(
            (sock, err) ->
                scheduler.execute(
                    () -> {
                      if (gen != generation || !running) {
                        if (sock != null) {
                          sock.abort();
                        }
                        return;
                      }
                      if (err != null) {
                        disconnected(gen);
                      } else {
                        opened(gen, sock);
                      }
                    }));
  }

  private void opened(long gen, Transport.Socket sock) {
    socket = sock;
    backoff.reset();
    lastFrameAt = scheduler.nowMillis();
    armWatchdog(gen, watchdogMs);
    ObjectNode subscribe = json.createObjectNode();
    // A non-browser client sends its API token itself; "stream" means "the upgrade's credentials".
    subscribe.put("token", client.token() != null ? client.token() : "stream");
    subscribedWithSince = lastEventId >= 0;
    if (subscribedWithSince) {
      subscribe.put("since", lastEventId);
    }
    sock.send(subscribe.toString());
  }

  private void disconnected(long gen) {
    if (gen != generation) {
      return;
    }
    generation++;
    if (socket != null) {
      socket.abort();
      socket = null;
    }
    subscribed = false;
    cancel(watchdogTimer);
    updateStatus();
    if (!running) {
      return;
    }
    // The API may have gone with the socket: find out now rather than at the next health tick.
    checkHealth();
    ensurePolling();
    long delay = Math.max(backoff.next().toMillis(), retryAfterMs);
    retryAfterMs = 0;
    reconnectTimer = scheduler.schedule(this::connect, Duration.ofMillis(delay));
  }

  private void armWatchdog(long gen, long inMs) {
    cancel(watchdogTimer);
    watchdogTimer =
        scheduler.schedule(
            () -> {
              if (gen != generation) {
                return;
              }
              long silent = scheduler.nowMillis() - lastFrameAt;
              if (silent >= watchdogMs) {
                disconnected(gen);
              } else {
                armWatchdog(gen, watchdogMs - silent);
              }
            },
            Duration.ofMillis(inMs));
  }

  private Transport.Handler handler(long gen) {
    return new Transport.Handler() {
      @Override
      public void onText(String frame) {
        scheduler.execute(() -> frame(gen, frame));
      }

      @Override
      public void onPing() {
        scheduler.execute(
            () -> {
              if (gen == generation) {
                lastFrameAt = scheduler.nowMillis();
              }
            });
      }

      @Override
      public void onClosed(int code, String reason) {
        scheduler.execute(() -> disconnected(gen));
      }

      @Override
      public void onError(Throwable error) {
        scheduler.execute(() -> disconnected(gen));
      }
    };
  }

  private void frame(long gen, String text) {
    if (gen != generation || !running) {
      return;
    }
    lastFrameAt = scheduler.nowMillis();
    Event e;
    try {
      e = json.readValue(text, Event.class);
    } catch (IOException | RuntimeException malformed) {
      return; // Not ours to judge: the server closes on bad frames, we just skip unknown ones.
    }
    if (e.event() == null) {
      return;
    }
    switch (e.event()) {
      case "ready" -> ready(e);
      case "reset" -> {
        resetSeen = true;
        listeners.forEach(l -> safely(l::onReset));
      }
      case "update" -> update(e);
      case "progress" -> progress(e);
      case "error" -> {
        JsonNode d = e.data() == null ? json.createObjectNode() : e.data();
        long wait = d.path("retry_after_ms").asLong(0);
        retryAfterMs = Math.max(retryAfterMs, wait);
        listeners.forEach(l -> safely(() -> l.onError(e.text("code"), e.text("message"), wait)));
      }
      default -> {
        // "ping" only feeds the watchdog; unknown kinds are ignored, as the protocol asks.
      }
    }
  }

  private void ready(Event e) {
    long serverLast = e.data() == null ? 0 : e.data().path("last_id").asLong(0);
    // After a reset the server's ids start over: its last_id, not ours, is the new high mark.
    lastEventId = resetSeen || lastEventId < 0 ? serverLast : Math.max(lastEventId, serverLast);
    boolean sweep = resetSeen || !subscribedWithSince;
    resetSeen = false;
    subscribed = true;
    everReady = true;
    cancel(pollTimer);
    pollTimer = null;
    updateStatus();
    if (sweep) {
      // No replay covered the gap (first subscribe, or reset): ask once for every pending task.
      pending.ids().forEach(this::poll);
    }
    long id = lastEventId;
    listeners.forEach(l -> safely(() -> l.onReady(id)));
  }

  private void progress(Event e) {
    listeners.forEach(l -> safely(() -> l.onEvent(e)));
    String taskId = e.taskId();
    String delta = e.text("delta");
    JsonNode off = e.data() == null ? null : e.data().get("offset");
    if (taskId == null || delta == null || off == null || !off.canConvertToLong()) {
      return;
    }
    if (progressEnded.containsKey(taskId)) {
      return; // its outcome is known: the preview is over
    }
    long offset = off.asLong();
    Long next = progressNext.get(taskId);
    if (offset == 0 || (next != null && next >= 0 && offset == next)) {
      if (next == null && progressNext.size() >= MAX_STREAMS) {
        progressNext.remove(progressNext.keySet().iterator().next()); // a task we never heard end
      }
      progressNext.put(taskId, offset + delta.length());
      String messageId = e.text("message_id");
      listeners.forEach(l -> safely(() -> l.onProgress(taskId, messageId, delta, offset)));
    } else if (next == null || next >= 0) {
      progressNext.put(taskId, -1L);
      long expected = next == null ? 0 : next;
      listeners.forEach(l -> safely(() -> l.onProgressGap(taskId, expected, offset)));
    }
    // else: already broken; wait for the outcome (or a restart at offset 0)
  }

  private void update(Event e) {
    if (e.id() != null) {
      if (e.id() <= lastEventId) {
        return; // already seen: replay overlapping a live push
      }
      lastEventId = e.id();
    }
    String type = e.type();
    if (e.taskId() != null && ("task.completed".equals(type) || "task.failed".equals(type))) {
      progressNext.remove(e.taskId());
      progressEnded.put(e.taskId(), Boolean.TRUE);
    }
    listeners.forEach(l -> safely(() -> l.onEvent(e)));
    TaskOutcome o =
        TaskOutcome.fromEvent(e, json, subscribed ? TaskOutcome.Delivery.PUSH : TaskOutcome.Delivery.REPLAY);
    if (o != null) {
      deliver(o);
    }
  }

  // ---- pending tasks and polling --------------------------------------------------------------

  private CompletableFuture<TaskOutcome> trackOnLoop(String taskId) {
    CompletableFuture<TaskOutcome> f = pending.track(taskId);
    if (!f.isDone()) {
      ensurePolling();
    }
    return f;
  }

  private void deliver(TaskOutcome o) {
    if (o.taskId() != null) {
      progressNext.remove(o.taskId());
      progressEnded.put(o.taskId(), Boolean.TRUE);
    }
    CompletableFuture<TaskOutcome> f = pending.complete(o);
    if (f != null) {
      listeners.forEach(l -> safely(() -> l.onTaskOutcome(o)));
      f.complete(o);
    }
  }

  private void ensurePolling() {
    if (subscribed || pending.isEmpty() || pollTimer != null || !running) {
      return;
    }
    pollTimer = scheduler.schedule(this::pollTick, pollInterval);
  }

  private void pollTick() {
    pollTimer = null;
    if (subscribed || !running || pending.isEmpty()) {
      return;
    }
    pending.ids().forEach(this::poll);
    pollTimer = scheduler.schedule(this::pollTick, pollInterval);
  }

  private void poll(String taskId) {
    if (!pollsInFlight.add(taskId)) {
      return;
    }
    client
        .taskAsync(taskId)
        .whenComplete(
            (task, err) ->
                scheduler.execute(
                    () -> {
                      pollsInFlight.remove(taskId);
                      if (!running) {
                        return;
                      }
                      Throwable cause = err == null ? null : unwrap(err);
                      noteApi(cause);
                      if (cause instanceof LanechatApiException api && api.status() == 404) {
                        pending.fail(taskId, api);
                      } else if (task != null && task.finished()) {
                        deliver(TaskOutcome.fromTask(task, TaskOutcome.Delivery.POLL));
                      }
                    }));
  }

  // ---- health and status ------------------------------------------------------------------

  private void checkHealth() {
    cancel(healthTimer);
    healthTimer = scheduler.schedule(this::checkHealth, healthInterval);
    client
        .healthAsync()
        .whenComplete(
            (h, err) ->
                scheduler.execute(
                    () -> {
                      apiUp = err == null && h != null && h.ok();
                      updateStatus();
                    }));
  }

  /** Any HTTP answer proves the API is reachable; a connection failure proves it is not. */
  private void noteApi(Throwable failure) {
    if (failure instanceof LanechatConnectionException) {
      apiUp = false;
    } else if (failure == null || failure instanceof LanechatApiException) {
      apiUp = true;
    }
    updateStatus();
  }

  private void updateStatus() {
    ConnectionStatus now = ConnectionStatus.of(apiUp, subscribed);
    if (now != status) {
      status = now;
      listeners.forEach(l -> safely(() -> l.onStatus(now)));
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static void cancel(Scheduler.Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** A listener's bug must not stop the stream's thread. */
  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException listenerBug) {
      Thread.currentThread()
          .getUncaughtExceptionHandler()
          .uncaughtException(Thread.currentThread(), listenerBug);
    }
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
