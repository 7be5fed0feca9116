package dev.lanechat.server.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The last few events of one user, encoded once as frames, kept while the user has a socket here, so that fan-out to
 * several sockets reads the store once, not once per socket. Only a contiguous run after a cursor
 * is served; anything else falls back to the store, which is the truth.
 */
final class RecentEvents {
    private static final int KEEP = 256;
    private final TreeMap<Long, SharedFrame> byId = new TreeMap<>();
    /** Held while one socket reads the store for the others (not the cache's own lock: adds go on meanwhile). */
    private final Object storeRead = new Object();

    synchronized void add(SharedFrame frame) {
        byId.put(frame.event().id(), frame);
        while (byId.size() > KEEP) {
            byId.pollFirstEntry();
        }
    }

    /** Events cursor+1, cursor+2, … as far as they are here without a gap; empty if cursor+1 is not here. */
    synchronized List<SharedFrame> after(long cursor, int limit) {
        List<SharedFrame> run = new ArrayList<>();
        long next = cursor + 1;
        SharedFrame frame;
        while (run.size() < limit && (frame = byId.get(next)) != null) {
            run.add(frame);
            next++;
        }
        return run;
    }

    /**
     * {@link #after}, or else the store's page after the cursor, read by one caller at a time and
     * kept here: the user's other sockets, woken by the same event from another node, then find
     * it here instead of each reading the store (the 100,000-socket run: ~13 sockets a user on
     * each node, each reading the same page, kept every pooled connection busy). Gapless ids make
     * the store's frames safe to keep beside the ones this node committed.
     */
    List<SharedFrame> afterOrRead(long cursor, int limit, Supplier<List<SharedFrame>> read) {
        synchronized (storeRead) {
            List<SharedFrame> run = after(cursor, limit);
            if (!run.isEmpty()) {
                return run;
            }
            List<SharedFrame> page = read.get();
            page.forEach(this::add);
            return page;
        }
    }
}
