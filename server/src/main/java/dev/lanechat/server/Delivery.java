package dev.lanechat.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.EventWaiters;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.events.PgEventListener;
import dev.lanechat.server.lanes.LaneFactory;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.Dialect;
import dev.lanechat.server.stream.Hub;
import dev.lanechat.server.stream.ProgressRelay;
import dev.lanechat.server.tasks.QueueDepth;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The delivery phase: how a committed event reaches this node's sockets and long-polls (the
 * {@link Notifier} after each commit, the {@link Hub}, the {@link EventWaiters}), and, on
 * PostgreSQL, other nodes' events and partial answers (the {@link PgEventListener}); the metrics,
 * stamped at each commit; the threads that write to sockets and the timers.
 */
record Delivery(
        String nodeId,
        EventLog eventLog,
        Notifier notifier,
        EventWaiters waiters,
        Hub hub,
        ProgressRelay progress,
        ServerMetrics metrics,
        Timers timers,
        ExecutorService drains) {

    static Delivery wire(Database database, Lanes lanes, ObjectMapper json, Clock clock, Closers closers) {
        EventLog eventLog = new EventLog(database, json, clock);
        Notifier notifier = new Notifier();
        EventWaiters waiters = new EventWaiters();
        Hub hub = new Hub(eventLog);
        ServerMetrics metrics = closers.add(
                "metrics",
                new ServerMetrics(hub::socketCount, LaneFactory.names(lanes), new QueueDepth(database.jdbi())));
        database.observeStampToCommit(metrics::stampToCommit);
        notifier.subscribe(metrics::committed); // before the Hub's, so a commit is stamped before its push
        notifier.subscribe(hub::published);
        notifier.subscribe(waiters::published);
        notifier.subscribeHints(hub::hinted);
        notifier.subscribeHints((user, id) -> waiters.hinted(user));
        String nodeId = UUID.randomUUID().toString().substring(0, 8);
        PgEventListener pgListener = database.dialect() == Dialect.POSTGRES
                ? closers.add(
                        "event listener", new PgEventListener(database.dataSource(), notifier, nodeId, hub::progress))
                : null;
        // The drains before the timers: stopping shuts the timers down first, as it always did.
        ExecutorService drains = Executors.newFixedThreadPool(
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), Timers.daemon("socket-drain"));
        closers.add("socket drains", drains::shutdownNow);
        Timers timers = closers.add("timers", new Timers());
        ProgressRelay progress = new ProgressRelay(
                hub, json, timers.executor(), pgListener == null ? (user, frame) -> {} : pgListener::publishProgress);
        if (pgListener != null) {
            pgListener.start();
        }
        return new Delivery(nodeId, eventLog, notifier, waiters, hub, progress, metrics, timers, drains);
    }
}
