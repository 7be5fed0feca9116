package dev.lanechat.server.tasks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-server lanes' {@link Handoff}s, by lane: where a submit hands its committed task in
 * memory rather than leaving it to a claim (issue 15).
 */
public final class Handoffs {
    private final Map<String, Handoff> handoffs = new ConcurrentHashMap<>();

    Handoffs() {}

    /**
     * Where submits on {@code lane} hand their task in memory when one of its loops is idle: the
     * task is stored already claimed, inside the submit's transaction (issue 15: no claim
     * transaction). On single-process SQLite its lease never runs out while this process lives;
     * on PostgreSQL it is an ordinary lease, renewed by the loop, so that if this node dies another
     * one's sweep retries it, and the other nodes' {@code SKIP LOCKED} claims never see it queued.
     */
    void handOffTo(String lane, Handoff handoff) {
        handoffs.put(lane, handoff);
    }

    /** The hand-off of {@code lane}; null when no loop of this server runs it. */
    Handoff of(String lane) {
        return handoffs.get(lane);
    }

    /**
     * Whether a task handed to a loop is stored queued (held for that loop, which starts it) rather
     * than running, a lane then holding a backlog of handed tasks: on both stores (issue 15: on
     * PostgreSQL too, where the loops had waited for a commit per task). On PostgreSQL the hold is
     * a lease of this node: if the node dies, the others' sweep gives the task back to the queue.
     */
    boolean handsOverQueued() {
        return true;
    }

    /**
     * The reservation of a lane's idle loop that a submit takes inside its transaction, once it
     * knows the lane: given back when the transaction did not commit or was a repeat.
     */
    static final class Reservation {
        private Handoff handoff;

        boolean take(Handoff h) {
            undo(); // a transaction run again takes one reservation, not two
            if (h != null && h.reserve()) {
                handoff = h;
                return true;
            }
            return false;
        }

        /** Hands the committed task to the loop reserved for it. */
        void hand(Claim claim, String content) {
            handoff.hand(claim, content);
        }

        void undo() {
            if (handoff != null) {
                handoff.unreserve();
                handoff = null;
            }
        }
    }
}
