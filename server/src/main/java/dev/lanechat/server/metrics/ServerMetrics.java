package dev.lanechat.server.metrics;

import dev.lanechat.server.events.Event;
import io.javalin.config.JavalinConfig;
import io.javalin.security.RouteRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * The server's Prometheus metrics at {@code GET /metrics} (Micrometer): open sockets, events
 * committed and pushed, push lag (commit → socket write completed) as a histogram, queue depth and
 * task durations per lane, HTTP latencies, and the JVM's memory, GC, threads and CPU.
 *
 * <p>The socket and lane code are handed this object by the wiring and call {@link #written} and
 * {@link #taskEnded}.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter committed;
    private final Counter pushed;
    private final Timer pushLag;
    private final Timer stampToCommit;
    private final Map<String, Timer> taskTimers = new ConcurrentHashMap<>();
    private final CommitTimes commitTimes = new CommitTimes();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * @param openSockets how many sockets are open now
     * @param lanes the lanes whose queue depth is reported
     * @param queueDepth queued tasks of a lane (read at scrape time)
     */
    public ServerMetrics(IntSupplier openSockets, List<String> lanes, ToLongFunction<String> queueDepth) {
        committed = Counter.builder("lanechat.events.committed")
                .description("events committed to the log")
                .register(registry);
        pushed = Counter.builder("lanechat.events.pushed")
                .description("update frames written to sockets")
                .register(registry);
        pushLag = Timer.builder("lanechat.push.lag")
                .description("from an event's commit to the completed write of its frame on a socket")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        stampToCommit = Timer.builder("lanechat.store.stamp.to.commit")
                .description("from a write transaction's start, where it stamps its times, to the end of its commit")
                // Prometheus cannot carry client-side percentiles beside a histogram: its buckets give
                // them (histogram_quantile), over any window, as for the push lag.
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("lanechat.sockets.open", openSockets::getAsInt)
                .description("open WebSocket connections")
                .register(registry);
        for (String lane : lanes) {
            Gauge.builder("lanechat.lane.queue.depth", () -> {
                        try {
                            return queueDepth.applyAsLong(lane);
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    })
                    .description("tasks queued on a lane, not yet claimed")
                    .tag("lane", lane)
                    .register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        // The JIT's time so far: the bench warms scenario 4 up until it stops growing (issue 15).
        new JvmCompilationMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Adds {@code GET /metrics} (Prometheus text format, callable by {@code access}) and the HTTP latency timer to a Javalin config. */
    public void register(JavalinConfig config, RouteRole access) {
        config.requestLogger.http((ctx, ms) -> {
            String route;
            try {
                route = ctx.endpoint() == null ? "unmatched" : ctx.endpoint().path;
            } catch (RuntimeException e) {
                route = "unmatched";
            }
            if (!route.startsWith("/api/") && !route.equals("/metrics")) {
                route = "other"; // pages and static files: one series, not one per path
            }
            Timer.builder("http.server.requests")
                    .description("HTTP requests, by route and status")
                    .tag("method", ctx.method().name())
                    .tag("route", route)
                    .tag("status", Integer.toString(ctx.statusCode()))
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry)
                    .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
        });
        config.routes.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()),
                access);
    }

    /** A Notifier listener: remembers when each event was committed (call it before the Hub's). */
    public void committed(List<Event> events) {
        long now = System.nanoTime();
        for (Event event : events) {
            committed.increment();
            commitTimes.put(event.userId(), event.id(), now);
        }
    }

    /** A write transaction committed {@code nanos} after it started (the store calls this). */
    public void stampToCommit(long nanos) {
        stampToCommit.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An update frame's write completed (from the socket's send callback); null for other frames. */
    public void written(Event event) {
        if (event == null) {
            return;
        }
        pushed.increment();
        long at = commitTimes.get(event.userId(), event.id());
        if (at >= 0) {
            pushLag.record(System.nanoTime() - at, TimeUnit.NANOSECONDS);
        }
    }

    /** A lane's task ended (completed, failed or interrupted) after running {@code nanos}. */
    public void taskEnded(String lane, long nanos) {
        taskTimers
                .computeIfAbsent(
                        lane,
                        l -> Timer.builder("lanechat.task.duration")
                                .description("from a task's claim to its end on an in-server lane")
                                .tag("lane", l)
                                .publishPercentileHistogram()
                                .maximumExpectedValue(Duration.ofMinutes(10))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /**
     * The commit times of recent events, in one ring shared by all users: its memory stays the same
     * however many users there are (a ring per user cost 256 KB each: 2.5 GB for 10,000 users).
     * An event's time is needed only until its frames are written; a slot taken over by a newer
     * event before that loses one lag sample, never a frame.
     */
    private static final class CommitTimes {
        private static final int SIZE = 1 << 16;
        private final String[] users = new String[SIZE];
        private final long[] ids = new long[SIZE];
        private final long[] nanos = new long[SIZE];

        synchronized void put(String userId, long id, long at) {
            int slot = slot(userId, id);
            users[slot] = userId;
            ids[slot] = id;
            nanos[slot] = at;
        }

        synchronized long get(String userId, long id) {
            int slot = slot(userId, id);
            return ids[slot] == id && userId.equals(users[slot]) ? nanos[slot] : -1;
        }

        /** A user's consecutive ids take consecutive slots; users start at spread-out places. */
        private static int slot(String userId, long id) {
            return (userId.hashCode() * 0x9E3779B1 + (int) id) & (SIZE - 1);
        }
    }
}
