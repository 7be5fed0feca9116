package dev.lanechat.server.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The last few events of one user, encoded once as frames, kept while the user has a socket here, so that fan-out to
 * several sockets reads the store once, not once per socket. Only a contiguous run after a cursor
 * is served; anything else falls back to the store, which is the truth.
 */
final class RecentEvents {
    private static final int KEEP = 256;
    private final TreeMap<Long, SharedFrame> byId = new TreeMap<>();

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
}
