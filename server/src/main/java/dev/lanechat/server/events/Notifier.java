package dev.lanechat.server.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells this node's readers (sockets, long-polls) that events were committed. Called after the
 * commit, never inside it: {@link #published} with the events this node wrote, {@link #hinted}
 * with only a user id for events another node wrote (PostgreSQL NOTIFY, or the periodic
 * catch-up). Either is a hint: readers always read the log itself, so a lost or reordered
 * notification delays, never loses.
 */
public final class Notifier {
    private final List<Consumer<List<Event>>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> hintListeners = new CopyOnWriteArrayList<>();

    public void subscribe(Consumer<List<Event>> listener) {
        listeners.add(listener);
    }

    public void subscribeHints(Consumer<String> listener) {
        hintListeners.add(listener);
    }

    public void published(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        for (Consumer<List<Event>> listener : listeners) {
            listener.accept(events);
        }
    }

    /** Events of {@code userId} may have been committed elsewhere. */
    public void hinted(String userId) {
        for (Consumer<String> listener : hintListeners) {
            listener.accept(userId);
        }
    }
}
