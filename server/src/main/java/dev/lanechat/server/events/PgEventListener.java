package dev.lanechat.server.events;

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
    private static final Logger log = LoggerFactory.getLogger(PgEventListener.class);
    private static final int POLL_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final DataSource dataSource;
    private final Notifier notifier;
    private final Thread thread;
    private volatile boolean running = true;

    public PgEventListener(DataSource dataSource, Notifier notifier) {
        this.dataSource = dataSource;
        this.notifier = notifier;
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
                            String payload = n.getParameter();
                            int colon = payload.lastIndexOf(':');
                            notifier.hinted(colon > 0 ? payload.substring(0, colon) : payload);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("PostgreSQL notifications lost ({}); reconnecting in {} s", e.getMessage(), backoff / 1000);
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
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
