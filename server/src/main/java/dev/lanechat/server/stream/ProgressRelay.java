package dev.lanechat.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.store.StoreErrors;
import dev.lanechat.server.tasks.Claim;
import dev.lanechat.server.tasks.PartialAnswers;
import dev.lanechat.server.tasks.ProgressSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the partial answers of running tasks as {@code progress} frames to every socket of the
 * task's user, coalesced to at most one frame per task every {@value #MIN_GAP_MS} ms (about 20 a
 * second), the first {@value #FIRST_WAIT_MS} ms after the task's first delta; the text still
 * waiting when the answer is ready is not sent (its final event carries it). Frames are not
 * stored and never replayed; {@code offset} lets a client notice a gap.
 * Other nodes get each frame too, through {@code remote} (PostgreSQL NOTIFY).
 *
 * <p>It also keeps, in memory, the text each task running here has streamed so far (issue 18,
 * protocol.md E13): at most {@value #TASK_CHARS} UTF-16 code units per task and
 * {@value #TOTAL_CHARS} for all tasks of this node (past either, a task's kept text stops growing;
 * its frames still go out). A socket that goes live gets one frame per running task of its user
 * with the text relayed so far at offset 0 ({@link #goLive}); that snapshot and the frames of the
 * user's tasks are sent under one lock per user, so each socket gets every delta exactly once.
 */
public final class ProgressRelay implements ProgressSink, PartialAnswers {
    private static final Logger log = LoggerFactory.getLogger(ProgressRelay.class);
    static final long MIN_GAP_MS = 50;
    static final long FIRST_WAIT_MS = 20;
    static final int TASK_CHARS = 256 * 1024;
    static final long TOTAL_CHARS = 16L * 1024 * 1024;
    private static final int STRIPES = 64;

    private final Hub hub;
    private final ObjectMapper json;
    private final ScheduledExecutorService timers;
    private final BiConsumer<String, String> remote;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong kept = new AtomicLong();
    /** Per-user locks (striped): a user's frames and the snapshots of its sockets go out under one. */
    private final Object[] locks = new Object[STRIPES];

    /** One task's stream; guarded by its user's lock. */
    private static final class Stream {
        final Claim task;
        /** The text so far (a prefix of the answer: it stops growing when a bound is reached). */
        final StringBuilder text = new StringBuilder();

        boolean full;
        /** Not yet relayed: {@code pending} follows the first {@code pendingOffset} code units. */
        final StringBuilder pending = new StringBuilder();

        int pendingOffset;
        /** How many code units of the answer went out in frames. */
        int relayed;

        long lastSentNanos;
        boolean scheduled;
        /** Ended or stopped: nothing more is sent or kept, and no snapshot is offered. */
        boolean sealed;

        Stream(Claim task) {
            this.task = task;
        }
    }

    /** @param remote (userId, frame) to hand to the other nodes; a no-op on one node */
    public ProgressRelay(
            Hub hub, ObjectMapper json, ScheduledExecutorService timers, BiConsumer<String, String> remote) {
        this.hub = hub;
        this.json = json;
        this.timers = timers;
        this.remote = remote;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    private Object lockOf(String userId) {
        return locks[Math.floorMod(userId.hashCode(), STRIPES)];
    }

    @Override
    public void started(Claim task) {
        streams.putIfAbsent(task.taskId(), new Stream(task));
    }

    @Override
    public void progress(Claim task, String delta, int offset) {
        if (delta.isEmpty()) {
            return;
        }
        Stream s = streams.computeIfAbsent(task.taskId(), id -> new Stream(task));
        synchronized (lockOf(task.userId())) {
            if (s.sealed) {
                return;
            }
            keep(s, delta, offset);
            if (s.pending.length() == 0) {
                s.pendingOffset = offset;
            }
            s.pending.append(delta);
            if (!s.scheduled) {
                s.scheduled = true;
                var unused = timers.schedule(() -> flushLogged(s), waitMs(s), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * How long the stream's next frame waits: {@value #FIRST_WAIT_MS} ms for its first, so that an
     * answer ready at once (a fast processor, a cached reply) sends no preview that its final event
     * replaces at once, to every socket of the user; then at least {@value #MIN_GAP_MS} ms after
     * the frame before. Under the user's lock.
     */
    private static long waitMs(Stream s) {
        if (s.relayed == 0) {
            return FIRST_WAIT_MS;
        }
        return Math.max(0, MIN_GAP_MS - (System.nanoTime() - s.lastSentNanos) / 1_000_000);
    }

    /** Adds a delta to the kept text while it continues it and the bounds allow. */
    private void keep(Stream s, String delta, int offset) {
        if (s.full || offset != s.text.length()) {
            s.full = true;
            return;
        }
        if (s.text.length() + delta.length() > TASK_CHARS) {
            s.full = true;
        } else if (kept.addAndGet(delta.length()) > TOTAL_CHARS) {
            kept.addAndGet(-delta.length());
            s.full = true;
        } else {
            s.text.append(delta);
            return;
        }
        log.info("Task {}: its text so far passed its bound; the rest is only relayed", s.task.taskId());
    }

    /**
     * Sends what is still waiting at once (so the frames add up to the text so far, and go out
     * before the final event is committed), then drops anything later. The text stays readable
     * until {@link #released}.
     */
    @Override
    public void ended(String taskId) {
        Stream s = streams.get(taskId);
        if (s == null) {
            return;
        }
        String frame;
        synchronized (lockOf(s.task.userId())) {
            frame = s.sealed ? null : takePending(s);
            s.sealed = true;
            if (frame != null) {
                hub.progress(s.task.userId(), frame);
            }
        }
        sendRemote(s.task.userId(), frame);
    }

    /**
     * Seals the stream without sending what waits: the final event follows with the whole answer,
     * so a last preview frame would be replaced as soon as it arrived (with a fast processor, all
     * of a task's previews: a 1 x 10,000 broadcast then writes one frame per socket, not three).
     * What waits stays for a {@link #stop} that still wins the race to commit.
     */
    @Override
    public void answered(String taskId) {
        Stream s = streams.get(taskId);
        if (s != null) {
            synchronized (lockOf(s.task.userId())) {
                s.sealed = true;
            }
        }
    }

    @Override
    public void released(String taskId) {
        Stream s = streams.remove(taskId);
        if (s != null) {
            synchronized (lockOf(s.task.userId())) {
                s.sealed = true;
                kept.addAndGet(-s.text.length());
                s.text.setLength(0);
                s.text.trimToSize();
            }
        }
    }

    @Override
    public Optional<String> textSoFar(String taskId) {
        Stream s = streams.get(taskId);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (lockOf(s.task.userId())) {
            return Optional.of(s.text.toString());
        }
    }

    @Override
    public Optional<String> stop(String taskId) {
        Stream s = streams.get(taskId);
        if (s == null) {
            return Optional.empty();
        }
        String frame;
        String text;
        synchronized (lockOf(s.task.userId())) {
            // What waits goes out first, so the sockets' text is the text kept (also when the
            // processor had answered, and the stop commits before its answer).
            frame = takePending(s);
            s.sealed = true;
            if (frame != null) {
                hub.progress(s.task.userId(), frame);
            }
            text = s.text.toString();
        }
        sendRemote(s.task.userId(), frame);
        return Optional.of(text);
    }

    /**
     * Makes a socket of {@code userId} live: under the user's lock, runs {@code goLive} (the
     * socket's switch to live, after which it takes progress frames) and, when it returns true,
     * hands {@code send} one frame per task of the user streaming here with the text relayed so far
     * at offset 0. Every frame relayed before it is in that text; every one after follows it.
     *
     * @return what {@code goLive} returned
     */
    public boolean goLive(String userId, BooleanSupplier goLive, Consumer<String> send) {
        synchronized (lockOf(userId)) {
            if (!goLive.getAsBoolean()) {
                return false;
            }
            List<String> snapshots = new ArrayList<>();
            for (Stream s : streams.values()) {
                if (s.task.userId().equals(userId) && !s.sealed && s.relayed > 0) {
                    snapshots.add(frame(s.task, s.text.substring(0, Math.min(s.relayed, s.text.length())), 0));
                }
            }
            snapshots.forEach(send);
            return true;
        }
    }

    /** {@link #flush} on a timer, whose future no one reads: a failure is logged instead. */
    private void flushLogged(Stream s) {
        try {
            flush(s);
        } catch (RuntimeException e) {
            log.warn("Progress of task {} not relayed: {}", s.task.taskId(), StoreErrors.describeWithPlace(e));
        }
    }

    private void flush(Stream s) {
        String frame;
        synchronized (lockOf(s.task.userId())) {
            s.scheduled = false;
            if (s.sealed) {
                return;
            }
            frame = takePending(s);
            if (frame == null) {
                return;
            }
            s.lastSentNanos = System.nanoTime();
            hub.progress(s.task.userId(), frame);
        }
        sendRemote(s.task.userId(), frame);
    }

    /** The frame of what waits, now counted as relayed; null when nothing waits. Under the user's lock. */
    private String takePending(Stream s) {
        if (s.pending.length() == 0) {
            return null;
        }
        String frame = frame(s.task, s.pending.toString(), s.pendingOffset);
        s.relayed = s.pendingOffset + s.pending.length();
        s.pending.setLength(0);
        return frame;
    }

    private void sendRemote(String userId, String frame) {
        if (frame == null) {
            return;
        }
        try {
            remote.accept(userId, frame);
        } catch (RuntimeException e) {
            log.debug("Progress frame not sent to other nodes: {}", StoreErrors.describe(e));
        }
    }

    private String frame(Claim task, String delta, int offset) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", task.taskId());
        data.put("message_id", task.messageId());
        data.put("delta", delta);
        data.put("offset", offset);
        return Frames.frame(json, "progress", data);
    }
}
