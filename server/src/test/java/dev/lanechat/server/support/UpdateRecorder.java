package dev.lanechat.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One subscribed socket's life, read on a thread of its own: records every {@code update} frame in
 * the order received, the {@code ready} frame's {@code last_id} and whether a {@code reset} came,
 * until the socket closes or {@link #stopReading()} is called. Unlike {@link ResumingReader} it
 * never reconnects: the crash tests use one per life of the server.
 */
public final class UpdateRecorder extends Thread {
    private final Socket socket;
    /** Every update frame received, in order. */
    public final List<JsonNode> updates = new CopyOnWriteArrayList<>();

    private volatile long readyLastId = -1;
    private volatile boolean reset;
    private volatile boolean stop;

    /** Starts reading {@code socket}, which the caller has subscribed. */
    public static UpdateRecorder reading(Socket socket) {
        UpdateRecorder recorder = new UpdateRecorder(socket);
        recorder.start();
        return recorder;
    }

    private UpdateRecorder(Socket socket) {
        super("update-recorder");
        this.socket = socket;
        setDaemon(true);
    }

    @Override
    public void run() {
        while (!stop) {
            JsonNode frame;
            try {
                frame = socket.nextOrNull(Duration.ofMillis(200));
            } catch (RuntimeException | AssertionError e) {
                return; // the server went away under the read
            }
            if (frame == null) {
                if (!socket.isOpen()) {
                    return;
                }
                continue;
            }
            switch (frame.path("event").asText()) {
                case "update" -> updates.add(frame);
                case "ready" -> readyLastId = frame.path("data").path("last_id").asLong();
                case "reset" -> reset = true;
                default -> {}
            }
        }
    }

    /** Whether {@code ready} has arrived. */
    public boolean ready() {
        return readyLastId >= 0;
    }

    /** The {@code ready} frame's {@code last_id}, or -1 before it arrived. */
    public long readyLastId() {
        return readyLastId;
    }

    /** Whether a {@code reset} came instead of a replay. */
    public boolean reset() {
        return reset;
    }

    /** The highest update id received (0 when none). */
    public long highestId() {
        return updates.stream().mapToLong(u -> u.path("id").asLong()).max().orElse(0);
    }

    /** Waits up to {@code waitMs} for the socket to close, then stops reading whatever happened. */
    public void stopReading(long waitMs) throws InterruptedException {
        join(waitMs);
        stop = true;
    }

    /** Stops reading at once. */
    public void stopReading() {
        stop = true;
    }
}
