package dev.lanechat.server.tasks;

import dev.lanechat.server.store.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a task's lease lasts: a worker's runs out after {@link #lease()} unless renewed, and so
 * does an in-server loop's, except on single-process SQLite, where it never runs out while this
 * process lives (the start-up sweep retries it after a crash) and nothing renews it.
 */
public final class Leases {
    /**
     * The lease of an in-server loop's task on single-process SQLite: never renewed and never
     * expiring while this process lives; the start-up sweep (every lease before the end of time)
     * retries it after a crash.
     */
    static final Instant HELD_IN_MEMORY = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    private final Dialect dialect;
    private final Clock clock;
    private final Duration lease;

    Leases(Dialect dialect, Clock clock, Duration lease) {
        this.dialect = dialect;
        this.clock = clock;
        this.lease = lease;
    }

    Duration lease() {
        return lease;
    }

    /** Whether an in-server loop must renew the leases of its claims (false on single-process SQLite). */
    boolean inServerLeasesExpire() {
        return !dialect.singleProcess();
    }

    /** When the lease of an in-server loop's claim, taken now, runs out. */
    Instant inServerLeaseEnd() {
        return inServerLeasesExpire() ? clock.instant().plus(lease) : HELD_IN_MEMORY;
    }
}
