package dev.lanechat.server.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells this node's readers (sockets, long-polls) that events were committed. Called after the
 * commit, never inside it. A wake-up is a hint: readers always read the log itself, so a lost
 * or reordered notification delays, never loses.
 */
public final class Notifier {
    private final List<Consumer<List<Event>>> listeners = new CopyOnWriteArrayList<>();

    public void subscribe(Consumer<List<Event>> listener) {
        listeners.add(listener);
    }

    public void published(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        for (Consumer<List<Event>> listener : listeners) {
            listener.accept(events);
        }
    }
}
