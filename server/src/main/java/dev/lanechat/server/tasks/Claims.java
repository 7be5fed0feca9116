package dev.lanechat.server.tasks;

import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.PendingWrite;
import dev.lanechat.server.store.StoreErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims and their leases: a queued task taken under a lease (by an in-server loop or a worker),
 * the start of a task a submit handed to a loop, the lease renewed, and a task given back to the
 * queue uncounted when its holder stops.
 */
public final class Claims {
    private static final Logger log = LoggerFactory.getLogger(Claims.class);

    private final Jdbi jdbi;
    private final Database database;
    private final TaskRepository tasks;
    private final ConversationRepository conversations;
    private final Clock clock;
    private final Leases leases;

    Claims(Database database, TaskRepository tasks, ConversationRepository conversations, Clock clock, Leases leases) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.tasks = tasks;
        this.conversations = conversations;
        this.clock = clock;
        this.leases = leases;
    }

    /**
     * Starts a handed task's first attempt without waiting for the commit: the loop runs it at once,
     * and its completion, queued after this on the store's writer, commits with or after it (on
     * SQLite), or possibly before it (on two of PostgreSQL's writer lines): then the completion
     * ends the held task, and this start finds it ended and changes nothing. Returns what takes the
     * start back while SQLite's writer has not begun it (true: taken back): a completion queued by
     * then ends the task from its held state, one write unit fewer per task (issue 15).
     */
    BooleanSupplier startLater(Claim claim) {
        PendingWrite<Boolean> start = database.inTransactionWithdrawable(h -> {
            boolean started =
                    tasks.start(h, claim.taskId(), claim.leaseId(), clock.instant(), leases.inServerLeaseEnd());
            if (started) {
                conversations.setPendingStatus(h, claim.messageId(), TaskStatus.RUNNING);
            }
            return started;
        });
        var unused = start.future().whenComplete((started, error) -> {
            if (error != null) {
                log.warn("Task {}: could not be started: {}", claim.taskId(), StoreErrors.describe(error));
            }
        });
        return start.withdraw();
    }

    /**
     * Extends the hold of a handed task that waited long in its lane's backlog (PostgreSQL); false
     * when it was cancelled or given back to the queue meanwhile, and then it must not run here.
     */
    boolean renewHeld(Claim claim) {
        return database.inTransaction(
                h -> tasks.renewHeld(h, claim.taskId(), claim.leaseId(), leases.inServerLeaseEnd()));
    }

    /** Gives a handed task that no loop started back to the queue (the server is stopping). */
    boolean releaseHeld(Claim claim) {
        return database.inTransaction(h -> tasks.releaseHeld(h, claim.taskId(), claim.leaseId()));
    }

    /** At start: tasks held in memory by the previous run go back on the queue. */
    public int releaseAllHeld() {
        return database.inTransaction(tasks::releaseAllHeld);
    }

    /**
     * Takes the oldest queued task of {@code lane} for an in-server loop. On single-process SQLite
     * its lease does not run out while this process lives (only a crash ends it, and the start-up
     * sweep retries it), so the loop renews nothing; elsewhere it is a lease of {@link Leases#lease()}.
     */
    Optional<Claim> claim(String lane) {
        return database.inTransaction(h -> claimIn(h, lane, leases.inServerLeaseEnd()));
    }

    private Optional<Claim> claimIn(Handle h, String lane, Instant expires) {
        Optional<Claim> claim = tasks.claim(h, lane, UUID.randomUUID().toString(), clock.instant(), expires);
        claim.ifPresent(c -> conversations.setPendingStatus(h, c.messageId(), TaskStatus.RUNNING));
        return claim;
    }

    /** A claim and when its lease runs out unless renewed. */
    public record Leased(Claim claim, Instant expiresAt) {}

    /** {@link #claim}, with the lease's deadline (the worker API shows it). */
    Optional<Leased> claimLeased(String lane) {
        String leaseId = UUID.randomUUID().toString();
        return database.inTransaction(h -> {
            Instant now = clock.instant(); // stamped inside the transaction, as every write here
            Instant expires = now.plus(leases.lease());
            Optional<Claim> claim = tasks.claim(h, lane, leaseId, now, expires);
            claim.ifPresent(c -> conversations.setPendingStatus(h, c.messageId(), TaskStatus.RUNNING));
            return claim.map(c -> new Leased(c, expires));
        });
    }

    /** The running task {@code taskId} held under {@code leaseId}; empty when that lease was lost. */
    public Optional<Claim> held(String taskId, String leaseId) {
        return jdbi.withHandle(h -> tasks.held(h, taskId, leaseId));
    }

    /** Extends the lease {@code leaseId} of a running task; its new deadline, or empty when the lease was lost. */
    public Optional<Instant> heartbeat(String taskId, String leaseId) {
        Instant expires = clock.instant().plus(leases.lease());
        return database.inTransaction(h -> tasks.renew(h, taskId, leaseId, expires))
                ? Optional.of(expires)
                : Optional.empty();
    }

    /** Extends a lease; false when it was lost (the task was cancelled or is no longer this holder's). */
    boolean renew(Claim claim) {
        return database.inTransaction(h ->
                tasks.renew(h, claim.taskId(), claim.leaseId(), clock.instant().plus(leases.lease())));
    }

    /** Puts a task this server was running back on its queue, uncounted: the server is shutting down. */
    boolean release(Claim claim) {
        return database.inTransaction(h -> {
            boolean released = tasks.release(h, claim.taskId(), claim.leaseId(), clock.instant());
            if (released) {
                conversations.setPendingStatus(h, claim.messageId(), TaskStatus.QUEUED);
            }
            return released;
        });
    }
}
