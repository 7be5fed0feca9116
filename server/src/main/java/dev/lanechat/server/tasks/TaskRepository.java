package dev.lanechat.server.tasks;

import dev.lanechat.server.store.Dialect;
import dev.lanechat.server.store.DirectStatement;
import dev.lanechat.server.store.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The SQL of tasks' state changes and of the reads they go by (a user's task and the worker API's
 * checks are {@link TaskQueries}). Every state change is guarded by the state it leaves, so each
 * happens once.
 */
final class TaskRepository {
    /** The columns a {@link Claim} is read from, in the order {@link #claimOf} reads them. */
    private static final String CLAIM_COLUMNS = "id, user_id, conversation_id, message_id, lane, attempts";

    // The statements of every task (its submit, start, claim and end) run as plain JDBC on the
    // store's writer (store's DirectStatement, issue 15); the others go through Jdbi.
    private static final DirectStatement INSERT = DirectStatement.of(
            "INSERT INTO tasks (id, user_id, conversation_id, message_id, lane, status, attempts, lease_id, "
                    + "lease_expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

    private static final DirectStatement START = DirectStatement.of(
            "UPDATE tasks SET status = 'running', attempts = 1, lease_expires_at = ?, updated_at = ? "
                    + "WHERE id = ? AND status = 'queued' AND lease_id = ?");

    // A task handed to a loop may end before its start commits (PostgreSQL's writer lines
    // commit in any order): still held under this lease, it is this holder's, and ends as well.
    private static final DirectStatement FINISH =
            DirectStatement.of("UPDATE tasks SET status = ?, error = ?, lease_id = NULL, lease_expires_at = NULL, "
                    + "attempts = CASE WHEN attempts = 0 THEN 1 ELSE attempts END, updated_at = ? "
                    + "WHERE id = ? AND status IN ('queued', 'running') AND lease_id = ? "
                    + "RETURNING " + CLAIM_COLUMNS);

    /** The claim of the oldest queued task of a lane; on PostgreSQL it skips rows other nodes hold. */
    private final DirectStatement claim;

    TaskRepository(Dialect dialect) {
        this.claim = DirectStatement.of("UPDATE tasks SET status = 'running', attempts = attempts + 1, lease_id = ?, "
                + "lease_expires_at = ?, updated_at = ? WHERE id = (SELECT id FROM tasks "
                + "WHERE lane = ? AND status = 'queued' AND lease_id IS NULL ORDER BY created_at, id LIMIT 1"
                + dialect.skipLockedSuffix() + ") AND status = 'queued' "
                + "RETURNING " + CLAIM_COLUMNS);
    }

    /** The claim a row of {@link #CLAIM_COLUMNS} is, under {@code leaseId}. */
    private static Claim claimOf(ResultSet rs, String leaseId) throws SQLException {
        return new Claim(
                rs.getString(1),
                leaseId,
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getInt(6));
    }

    private static RowMapper<Claim> claimRow(String leaseId) {
        return (rs, ctx) -> claimOf(rs, leaseId);
    }

    /** The task {@code taskId} as a claim under {@code leaseId}, whatever its state. */
    Optional<Claim> asClaim(Handle h, String taskId, String leaseId) {
        return h.createQuery("SELECT " + CLAIM_COLUMNS + " FROM tasks WHERE id = :id")
                .bind("id", taskId)
                .map(claimRow(leaseId))
                .findOne();
    }

    /** The running task {@code taskId} held under {@code leaseId}; empty when that lease was lost. */
    Optional<Claim> held(Handle h, String taskId, String leaseId) {
        return h.createQuery("SELECT " + CLAIM_COLUMNS + " FROM tasks WHERE id = :id AND status = 'running' "
                        + "AND lease_id = :lease")
                .bind("id", taskId)
                .bind("lease", leaseId)
                .map(claimRow(leaseId))
                .findOne();
    }

    /**
     * Inserts a task queued, or, with a {@code leaseId}, handed to an in-server loop in memory:
     * then {@code running} (its first attempt, claimed in this transaction) or still queued but
     * held for that loop, which {@link #start}s it (no claim sees a queued task with a lease).
     */
    void insert(
            Handle h,
            String id,
            String userId,
            String conversationId,
            String messageId,
            String lane,
            Instant now,
            String leaseId,
            Instant leaseExpires,
            boolean running) {
        String at = Timestamps.format(now);
        INSERT.update(h, s -> {
            s.setString(1, id);
            s.setString(2, userId);
            s.setString(3, conversationId);
            s.setString(4, messageId);
            s.setString(5, lane);
            s.setString(6, running ? TaskStatus.RUNNING : TaskStatus.QUEUED);
            s.setInt(7, running ? 1 : 0);
            s.setString(8, leaseId);
            if (leaseExpires == null) {
                s.setNull(9, Types.BIGINT);
            } else {
                s.setLong(9, leaseExpires.toEpochMilli());
            }
            s.setString(10, at);
            s.setString(11, at);
        });
    }

    /** Takes the oldest queued task of {@code lane} under a new lease; on PostgreSQL, skipping rows other nodes hold. */
    Optional<Claim> claim(Handle h, String lane, String leaseId, Instant now, Instant leaseExpires) {
        return claim.first(
                h,
                s -> {
                    s.setString(1, leaseId);
                    s.setLong(2, leaseExpires.toEpochMilli());
                    s.setString(3, Timestamps.format(now));
                    s.setString(4, lane);
                },
                rs -> claimOf(rs, leaseId));
    }

    /**
     * Starts the first attempt of a task held in memory for a loop, under a lease that runs out at
     * {@code leaseExpires}; false when it was cancelled (or its hold given back) meanwhile.
     */
    boolean start(Handle h, String taskId, String leaseId, Instant now, Instant leaseExpires) {
        return START.update(h, s -> {
                    s.setLong(1, leaseExpires.toEpochMilli());
                    s.setString(2, Timestamps.format(now));
                    s.setString(3, taskId);
                    s.setString(4, leaseId);
                })
                == 1;
    }

    /** Gives a task held in memory for a loop back to the queue that claims see. */
    boolean releaseHeld(Handle h, String taskId, String leaseId) {
        return h.createUpdate("UPDATE tasks SET lease_id = NULL, lease_expires_at = NULL WHERE id = :id "
                                + "AND status = 'queued' AND lease_id = :lease")
                        .bind("id", taskId)
                        .bind("lease", leaseId)
                        .execute()
                == 1;
    }

    /** Gives every task held in memory back to the queue (at start: the process that held them is gone). */
    int releaseAllHeld(Handle h) {
        return h.createUpdate("UPDATE tasks SET lease_id = NULL, lease_expires_at = NULL WHERE status = 'queued' "
                        + "AND lease_id IS NOT NULL")
                .execute();
    }

    /** Extends the hold of a task held in memory for a loop; false when it was cancelled or given back. */
    boolean renewHeld(Handle h, String taskId, String leaseId, Instant leaseExpires) {
        return h.createUpdate("UPDATE tasks SET lease_expires_at = :expires WHERE id = :id AND status = 'queued' "
                                + "AND lease_id = :lease")
                        .bind("expires", leaseExpires.toEpochMilli())
                        .bind("id", taskId)
                        .bind("lease", leaseId)
                        .execute()
                == 1;
    }

    /**
     * Gives back to the queue the tasks held in memory whose hold ran out before {@code deadline}
     * (their node died before a loop started them); the lanes of those it gave back.
     */
    List<String> releaseExpiredHeld(Handle h, long deadlineEpochMs) {
        return h.createQuery("UPDATE tasks SET lease_id = NULL, lease_expires_at = NULL WHERE status = 'queued' "
                        + "AND lease_id IS NOT NULL AND lease_expires_at < :deadline RETURNING lane")
                .bind("deadline", deadlineEpochMs)
                .mapTo(String.class)
                .list();
    }

    boolean renew(Handle h, String taskId, String leaseId, Instant leaseExpires) {
        return h.createUpdate("UPDATE tasks SET lease_expires_at = :expires WHERE id = :id AND status = 'running' "
                                + "AND lease_id = :lease")
                        .bind("expires", leaseExpires.toEpochMilli())
                        .bind("id", taskId)
                        .bind("lease", leaseId)
                        .execute()
                == 1;
    }

    /**
     * Ends a running task held under {@code leaseId} with {@code status}; empty when the lease was
     * lost (cancelled, expired, or already ended), in which case nothing changed.
     */
    Optional<Claim> finish(Handle h, String taskId, String leaseId, String status, String error, Instant now) {
        return FINISH.first(
                h,
                s -> {
                    s.setString(1, status);
                    s.setString(2, error);
                    s.setString(3, Timestamps.format(now));
                    s.setString(4, taskId);
                    s.setString(5, leaseId);
                },
                rs -> claimOf(rs, leaseId));
    }

    /** Puts a running task held under {@code leaseId} back on its queue; false when the lease was lost. */
    boolean requeue(Handle h, String taskId, String leaseId, Instant now) {
        return h.createUpdate("UPDATE tasks SET status = 'queued', lease_id = NULL, lease_expires_at = NULL, "
                                + "updated_at = :now WHERE id = :id AND status IN ('queued', 'running') "
                                + "AND lease_id = :lease")
                        .bind("now", Timestamps.format(now))
                        .bind("id", taskId)
                        .bind("lease", leaseId)
                        .execute()
                == 1;
    }

    /** Hands a running task back to its queue without counting the attempt (the server is stopping). */
    boolean release(Handle h, String taskId, String leaseId, Instant now) {
        return h.createUpdate("UPDATE tasks SET status = 'queued', attempts = attempts - 1, lease_id = NULL, "
                                + "lease_expires_at = NULL, updated_at = :now WHERE id = :id AND status = 'running' "
                                + "AND lease_id = :lease AND attempts > 0")
                        .bind("now", Timestamps.format(now))
                        .bind("id", taskId)
                        .bind("lease", leaseId)
                        .execute()
                == 1;
    }

    /** Cancels a task of the user that has not ended; empty when there is none such. */
    Optional<Claim> cancel(Handle h, String userId, String taskId, Instant now) {
        return h.createQuery("UPDATE tasks SET status = 'failed', error = 'cancelled', lease_id = NULL, "
                        + "lease_expires_at = NULL, updated_at = :now WHERE id = :id AND user_id = :user "
                        + "AND status IN ('queued', 'running') "
                        + "RETURNING " + CLAIM_COLUMNS)
                .bind("now", Timestamps.format(now))
                .bind("id", taskId)
                .bind("user", userId)
                .map(claimRow(null))
                .findOne();
    }

    List<String> unfinishedIn(Handle h, String conversationId) {
        return h.createQuery(
                        "SELECT id FROM tasks WHERE conversation_id = :conversation AND status IN ('queued', 'running')")
                .bind("conversation", conversationId)
                .mapTo(String.class)
                .list();
    }

    /** Running tasks whose lease ran out before {@code deadline}: id → lease id. */
    Map<String, String> expiredLeases(Handle h, long deadlineEpochMs) {
        return h.createQuery("SELECT id, lease_id FROM tasks WHERE status = 'running' AND lease_expires_at < :deadline")
                .bind("deadline", deadlineEpochMs)
                .setMapKeyColumn("id")
                .setMapValueColumn("lease_id")
                .collectInto(new org.jdbi.v3.core.generic.GenericType<Map<String, String>>() {});
    }

    void deleteForConversation(Handle h, String conversationId) {
        h.createUpdate("DELETE FROM tasks WHERE conversation_id = :id")
                .bind("id", conversationId)
                .execute();
    }

    /** How many tasks wait on {@code lane} (the queue-depth gauge). */
    static long queuedOn(Handle h, String lane) {
        return h.createQuery("SELECT COUNT(*) FROM tasks WHERE lane = :lane AND status = 'queued'")
                .bind("lane", lane)
                .mapTo(Long.class)
                .one();
    }
}
