package dev.lanechat.server.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
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
    private final List<BiConsumer<String, Long>> hintListeners = new CopyOnWriteArrayList<>();

    public void subscribe(Consumer<List<Event>> listener) {
        listeners.add(listener);
    }

    /** {@code listener} gets (user id, event id) of events another node committed. */
    public void subscribeHints(BiConsumer<String, Long> listener) {
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

    /** Event {@code eventId} of {@code userId} was committed elsewhere. */
    public void hinted(String userId, long eventId) {
        for (BiConsumer<String, Long> listener : hintListeners) {
            listener.accept(userId, eventId);
        }
    }
}
