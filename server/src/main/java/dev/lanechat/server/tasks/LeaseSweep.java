package dev.lanechat.server.tasks;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep of leases that ran out: their holder died or hung, so their tasks are retried (or, past
 * their attempts, failed); tasks a dead node held in memory go back to the queue.
 */
public final class LeaseSweep {
    private static final Logger log = LoggerFactory.getLogger(LeaseSweep.class);

    private final Jdbi jdbi;
    private final TaskRepository tasks;
    private final Leases leases;
    private final TaskSignals signals;
    private final Completions completions;

    LeaseSweep(Jdbi jdbi, TaskRepository tasks, Leases leases, TaskSignals signals, Completions completions) {
        this.jdbi = jdbi;
        this.tasks = tasks;
        this.leases = leases;
        this.signals = signals;
        this.completions = completions;
    }

    /**
     * Retries (or, past the attempts, fails) running tasks whose lease ran out before
     * {@code deadline}: their runner died or hung. Returns how many it handled.
     */
    public int sweepExpiredLeases(Instant deadline) {
        if (leases.inServerLeasesExpire()) {
            // Tasks a dead node held in memory, never started: back on the queue, for any node.
            List<String> released = jdbi.inTransaction(h -> tasks.releaseExpiredHeld(h, deadline.toEpochMilli()));
            if (!released.isEmpty()) {
                log.info("Gave {} task(s) held by a node that stopped back to the queue", released.size());
                released.stream().distinct().forEach(signals::queued);
            }
        }
        Map<String, String> expired = jdbi.withHandle(h -> tasks.expiredLeases(h, deadline.toEpochMilli()));
        int handled = 0;
        for (Map.Entry<String, String> e : expired.entrySet()) {
            Optional<Claim> claim = jdbi.withHandle(h -> tasks.asClaim(h, e.getKey(), e.getValue()));
            if (claim.isPresent()
                    && completions.fail(claim.get(), "its runner stopped before it ended (lease expired)", true)) {
                handled++;
            }
        }
        return handled;
    }
}
