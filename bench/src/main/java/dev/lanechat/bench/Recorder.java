package dev.lanechat.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Receipts of updates across all streams of a run: event key, receipt time (epoch µs), and each
 * event's task. Event ids are per user, so a key is {@code user << 40 | id}.
 */
final class Recorder {
    final long[] eventIds;
    final long[] receivedMicros;
    final AtomicInteger count = new AtomicInteger();
    final LongAdder overflow = new LongAdder();
    final ConcurrentHashMap<Long, String> taskOfEvent = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, Long> firstReceipt = new ConcurrentHashMap<>();
    volatile boolean recording = true;
    /** Only updates whose data has this {@code "type":"…"} part are recorded; null: all. */
    private final String onlyType;

    Recorder(int capacity) {
        this(capacity, null);
    }

    /** A recorder of the updates of one event type only (e.g. {@code task.completed}). */
    Recorder(int capacity, String type) {
        eventIds = new long[capacity];
        receivedMicros = new long[capacity];
        onlyType = type == null ? null : "\"type\":\"" + type + "\"";
    }

    static long key(int user, long id) {
        return (long) user << 40 | id;
    }

    void update(int user, long eventId, String frame, long micros) {
        if (!recording || (onlyType != null && !frame.contains(onlyType))) {
            return;
        }
        long id = key(user, eventId);
        if (!taskOfEvent.containsKey(id)) {
            String task = Frames.taskId(frame);
            if (task != null) {
                taskOfEvent.putIfAbsent(id, task);
                firstReceipt.putIfAbsent(task, micros);
            }
        }
        int i = count.getAndIncrement();
        if (i < eventIds.length) {
            eventIds[i] = id;
            receivedMicros[i] = micros;
        } else {
            overflow.increment();
        }
    }

    int size() {
        return Math.min(count.get(), eventIds.length);
    }
}
