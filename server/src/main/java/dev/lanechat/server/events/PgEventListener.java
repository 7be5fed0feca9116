package dev.lanechat.server.events;

import dev.lanechat.server.logging.LogText;
import dev.lanechat.server.store.StoreErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated connection per node that LISTENs for the events other nodes commit (each event's
 * transaction NOTIFYs {@value #CHANNEL} with "userId:eventId") and hands them to the
 * {@link Notifier} as hints. If PostgreSQL goes away it reconnects with backoff (1, 2, 4 … 30 s);
 * the periodic catch-up covers whatever was committed meanwhile.
 */
public final class PgEventListener implements AutoCloseable {
    public static final String CHANNEL = "lanechat_events";
    /** Partial answers (progress frames) travel here: "nodeId\nuserId\nframe". */
    public static final String PROGRESS_CHANNEL = "lanechat_progress";
    /** NOTIFY payloads must stay under 8,000 bytes; a larger frame is not relayed (the offset shows the gap). */
    private static final int MAX_PAYLOAD_BYTES = 7_900;

    private static final Logger log = LoggerFactory.getLogger(PgEventListener.class);
    private static final int POLL_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final DataSource dataSource;
    private final Notifier notifier;
    private final String nodeId;
    private final java.util.function.BiConsumer<String, String> onProgress;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param onProgress (userId, frame) for each progress frame another node relays */
    public PgEventListener(
            DataSource dataSource,
            Notifier notifier,
            String nodeId,
            java.util.function.BiConsumer<String, String> onProgress) {
        this.dataSource = dataSource;
        this.notifier = notifier;
        this.nodeId = nodeId;
        this.onProgress = onProgress;
        this.thread = new Thread(this::run, "pg-listen");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long backoff = 1000;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                    statement.execute("LISTEN " + PROGRESS_CHANNEL);
                }
                if (backoff > 1000) {
                    log.info("Listening to PostgreSQL notifications again");
                }
                backoff = 1000;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            if (PROGRESS_CHANNEL.equals(n.getName())) {
                                relayed(n.getParameter());
                            } else {
                                hinted(n.getParameter());
                            }
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn(
                        "PostgreSQL notifications lost ({}); reconnecting in {} s",
                        StoreErrors.describe(e),
                        backoff / 1000);
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** Hands a progress frame of this node to the others (best effort: it is only a preview). */
    public void publishProgress(String userId, String frame) {
        String payload = nodeId + "\n" + userId + "\n" + frame;
        if (payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                java.sql.PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            st.setString(1, PROGRESS_CHANNEL);
            st.setString(2, payload);
            st.execute();
        } catch (SQLException e) {
            log.debug("Progress frame not relayed: {}", StoreErrors.describe(e));
        }
    }

    /** "userId:eventId" of an event another node committed. */
    private void hinted(String payload) {
        int colon = payload.lastIndexOf(':');
        if (colon <= 0) {
            return;
        }
        try {
            notifier.hinted(payload.substring(0, colon), Long.parseLong(payload.substring(colon + 1)));
        } catch (NumberFormatException e) {
            log.debug("Ignoring a notification that is not userId:eventId: {}", LogText.clean(payload));
        }
    }

    private void relayed(String payload) {
        String[] parts = payload.split("\n", 3);
        if (parts.length == 3 && !parts[0].equals(nodeId)) {
            onProgress.accept(parts[1], parts[2]);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
