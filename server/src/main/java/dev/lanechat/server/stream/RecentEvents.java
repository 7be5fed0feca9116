package dev.lanechat.server.stream;

import dev.lanechat.server.events.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The last few events of one user, kept while the user has a socket here, so that fan-out to
 * several sockets reads the store once, not once per socket. Only a contiguous run after a cursor
 * is served; anything else falls back to the store, which is the truth.
 */
final class RecentEvents {
    private static final int KEEP = 256;
    private final TreeMap<Long, Event> byId = new TreeMap<>();

    synchronized void add(Event event) {
        byId.put(event.id(), event);
        while (byId.size() > KEEP) {
            byId.pollFirstEntry();
        }
    }

    /** Events cursor+1, cursor+2, … as far as they are here without a gap; empty if cursor+1 is not here. */
    synchronized List<Event> after(long cursor, int limit) {
        List<Event> run = new ArrayList<>();
        long next = cursor + 1;
        Event event;
        while (run.size() < limit && (event = byId.get(next)) != null) {
            run.add(event);
            next++;
        }
        return run;
    }
}
