// The offset rule of protocol.md's progress frames: per task, a delta is delivered only when its
// offset is 0 (a start, or a start over) or exactly the length delivered so far; the first frame
// that does not fit is a gap, reported once, after which the task is silent until it starts over.
// Frames of a task whose outcome is known are dropped.
package dev.lanechat.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Not thread-safe: used on the stream's scheduler thread. Memory is bounded: beyond {@code
 * maxStreams} tasks the oldest entry goes, the task heard from least recently (most likely one
 * whose outcome this client never saw); its next frame then counts as joining mid-stream.
 */
final class ProgressTracker {
    static final int MAX_STREAMS = 1024;

    /** What to do with one progress frame. */
    sealed interface Verdict permits Deliver, Gap, Drop {}

    /** It fits: hand the delta on. */
    record Deliver() implements Verdict {}

    /** It does not fit: report once that {@code expected} was due. */
    record Gap(long expected) implements Verdict {}

    /** Say nothing: the task is over, or already broken. */
    record Drop() implements Verdict {}

    private static final Deliver DELIVER = new Deliver();
    private static final Drop DROP = new Drop();

    private final int maxStreams;
    /** task id → the offset its next delta must have; -1 once a gap was seen. Access-ordered. */
    private final Map<String, Long> next;
    /** Tasks whose outcome was seen, oldest first. */
    private final Map<String, Boolean> ended;

    ProgressTracker() {
        this(MAX_STREAMS);
    }

    /** @param maxStreams how many tasks each of the two memories keeps */
    ProgressTracker(int maxStreams) {
        this.maxStreams = maxStreams;
        this.next = bounded(true);
        this.ended = bounded(false);
    }

    /**
     * @param offset the frame's {@code offset}
     * @param length the frame's delta length in UTF-16 units ({@code String.length()})
     * @return what to do with the frame
     */
    Verdict frame(String taskId, long offset, int length) {
        if (ended.containsKey(taskId)) {
            return DROP;
        }
        Long due = next.get(taskId);
        if (offset == 0 || (due != null && due >= 0 && offset == due)) {
            next.put(taskId, offset + length);
            return DELIVER;
        }
        if (due == null || due >= 0) {
            next.put(taskId, -1L);
            return new Gap(due == null ? 0 : due);
        }
        return DROP; // already broken: wait for the outcome (or a start over at offset 0)
    }

    /** The task's outcome is known: its preview is over. */
    void ended(String taskId) {
        next.remove(taskId);
        ended.put(taskId, Boolean.TRUE);
    }

    /** @return whether the task's stream broke (a gap) and has not started over since */
    boolean broken(String taskId) {
        Long due = next.get(taskId);
        return due != null && due < 0;
    }

    /** @return whether the task's outcome is known (and remembered) */
    boolean isOver(String taskId) {
        return ended.containsKey(taskId);
    }

    /** @return how many tasks are being followed (for tests of the bound) */
    int following() {
        return next.size();
    }

    private <V> Map<String, V> bounded(boolean accessOrder) {
        return new LinkedHashMap<>(16, 0.75f, accessOrder) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxStreams;
            }
        };
    }
}
