package dev.lanechat.server;

import dev.lanechat.server.auth.Sessions;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.files.Uploads;
import dev.lanechat.server.tasks.Submissions;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hourly purge of what the store keeps only for a while, across features: events past their
 * retention, idempotency keys past theirs, expired sessions, and uploads never attached to a
 * message within {@link Uploads#KEEP_UNATTACHED}.
 */
final class Housekeeping implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final EventLog eventLog;
    private final Submissions submissions;
    private final Sessions sessions;
    private final FileRepository files;
    private final Duration eventRetention;
    private final Clock clock;

    Housekeeping(
            EventLog eventLog,
            Submissions submissions,
            Sessions sessions,
            FileRepository files,
            Duration eventRetention,
            Clock clock) {
        this.eventLog = eventLog;
        this.submissions = submissions;
        this.sessions = sessions;
        this.files = files;
        this.eventRetention = eventRetention;
        this.clock = clock;
    }

    @Override
    public void run() {
        int events = eventLog.deleteOlderThan(eventRetention);
        int keys = submissions.deleteExpiredIdempotencyKeys();
        int expired = sessions.deleteExpired();
        int uploads = files.deleteUnattachedBefore(clock.instant().minus(Uploads.KEEP_UNATTACHED));
        if (events + keys + expired + uploads > 0) {
            log.info(
                    "Housekeeping: deleted {} old event(s), {} idempotency key(s), {} expired session(s)"
                            + " and {} unattached upload(s)",
                    events,
                    keys,
                    expired,
                    uploads);
        }
    }
}
