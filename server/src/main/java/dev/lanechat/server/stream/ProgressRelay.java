package dev.lanechat.server.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.store.StoreErrors;
import dev.lanechat.server.tasks.Claim;
import dev.lanechat.server.tasks.ProgressSink;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the partial answers of running tasks as {@code progress} frames to every socket of the
 * task's user, coalesced to at most one frame per task every {@value #MIN_GAP_MS} ms (about 20 a
 * second). Frames are not stored and never replayed; {@code offset} lets a client notice a gap.
 * Other nodes get each frame too, through {@code remote} (PostgreSQL NOTIFY).
 */
public final class ProgressRelay implements ProgressSink {
    private static final Logger log = LoggerFactory.getLogger(ProgressRelay.class);
    static final long MIN_GAP_MS = 50;

    private final Hub hub;
    private final ObjectMapper json;
    private final ScheduledExecutorService timers;
    private final BiConsumer<String, String> remote;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private static final class Pending {
        final Claim task;
        final StringBuilder text = new StringBuilder();
        int offset;
        long lastSentNanos;
        boolean scheduled;
        boolean ended;

        Pending(Claim task) {
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
    }

    @Override
    public void progress(Claim task, String delta, int offset) {
        if (delta.isEmpty()) {
            return;
        }
        Pending p = pending.computeIfAbsent(task.taskId(), id -> new Pending(task));
        synchronized (p) {
            if (p.ended) {
                return;
            }
            if (p.text.length() == 0) {
                p.offset = offset;
            }
            p.text.append(delta);
            if (!p.scheduled) {
                p.scheduled = true;
                long waitMs = Math.max(0, MIN_GAP_MS - (System.nanoTime() - p.lastSentNanos) / 1_000_000);
                timers.schedule(() -> flush(p), waitMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Sends what is still waiting at once (so the frames add up to the whole answer, and go out
     * before the final event is committed), then drops anything later.
     */
    @Override
    public void ended(String taskId) {
        Pending p = pending.remove(taskId);
        if (p == null) {
            return;
        }
        String frame = null;
        synchronized (p) {
            if (!p.ended && p.text.length() > 0) {
                frame = frame(p.task, p.text.toString(), p.offset);
            }
            p.ended = true;
            p.text.setLength(0);
        }
        if (frame != null) {
            send(p.task.userId(), frame);
        }
    }

    private void flush(Pending p) {
        String frame;
        synchronized (p) {
            p.scheduled = false;
            if (p.ended || p.text.length() == 0) {
                return;
            }
            frame = frame(p.task, p.text.toString(), p.offset);
            p.text.setLength(0);
            p.lastSentNanos = System.nanoTime();
        }
        send(p.task.userId(), frame);
    }

    private void send(String userId, String frame) {
        hub.progress(userId, frame);
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
        try {
            return json.writeValueAsString(Map.of("event", "progress", "data", data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
