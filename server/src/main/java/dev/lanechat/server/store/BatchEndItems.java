package dev.lanechat.server.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * What the units of one writer's batch added for its end ({@link BatchEnd}), kept by the thread
 * that runs the batch (SqliteWriter's, each PgWriter line's): the running unit's items, kept for
 * the batch once that unit succeeded, dropped with its savepoint when it failed; then flushed in
 * rank order, each flush's items in the units' order.
 */
final class BatchEndItems {
    /** An item a unit added for its batch's end. */
    private record Deferred(BatchEnd<?> end, Object item) {}

    private final List<Deferred> unitItems = new ArrayList<>();
    private final List<Deferred> batchItems = new ArrayList<>();

    /** Keeps an item of the running unit. */
    void add(BatchEnd<?> end, Object item) {
        unitItems.add(new Deferred(end, item));
    }

    /** The running unit ended: its items stay for the batch when it succeeded, else they go. */
    void unitEnded(boolean succeeded) {
        if (succeeded) {
            batchItems.addAll(unitItems);
        }
        unitItems.clear();
    }

    boolean isEmpty() {
        return batchItems.isEmpty();
    }

    /** Writes the batch's items in {@code h}'s transaction, lowest rank first. */
    void flush(Handle h) {
        batchItems.sort(Comparator.comparingInt(d -> d.end().rank())); // stable: the units' order stays
        int from = 0;
        while (from < batchItems.size()) {
            BatchEnd<?> end = batchItems.get(from).end();
            List<Object> items = new ArrayList<>();
            int to = from;
            while (to < batchItems.size() && batchItems.get(to).end() == end) {
                items.add(batchItems.get(to).item());
                to++;
            }
            end.flushAll(h, items);
            from = to;
        }
    }

    /** Forgets everything: the batch ended, committed or not. */
    void clear() {
        unitItems.clear();
        batchItems.clear();
    }
}
