package dev.lanechat.server.lanes;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Server-sent events (the {@code text/event-stream} format) read from the lines of a
 * {@link LineStream}: {@code data:} lines joined with {@code \n}, the {@code event:} type, comments
 * ({@code :} lines, keep-alives) skipped, an event ending at a blank line or at the end of the
 * stream. Knows nothing of what the events mean.
 */
final class SseReader {
    /** One event: its {@code event:} type (null when it named none) and its data. */
    record Event(String type, String data) {}

    private final LineStream lines;
    private String pending;
    private long lastLineNanos = System.nanoTime();
    private boolean ended;

    /** @param firstLine a line already read from {@code lines} (to tell the body's kind), or null */
    SseReader(LineStream lines, String firstLine) {
        this.lines = lines;
        this.pending = firstLine;
    }

    /** When the last line (a keep-alive included) arrived: for telling a stalled stream. */
    long lastLineNanos() {
        return lastLineNanos;
    }

    /**
     * The next event, or null at the end of the stream.
     *
     * @param lineDeadline by when (System.nanoTime) each next line must arrive, asked before each
     * @throws TimeoutException no line arrived in time
     * @throws ExecutionException the body broke off
     */
    Event next(LongSupplier lineDeadline, BooleanSupplier cancelled)
            throws TimeoutException, ExecutionException, InterruptedException {
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        String type = null;
        while (!ended) {
            String line = pending;
            pending = null;
            if (line == null) {
                line = lines.nextLine(lineDeadline.getAsLong(), cancelled);
                lastLineNanos = System.nanoTime();
            }
            if (line == null) {
                ended = true;
            } else if (line.isEmpty()) {
                if (hasData) {
                    return new Event(type, data.toString());
                }
                type = null;
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (field.equals("data")) {
                    if (hasData) {
                        data.append('\n');
                    }
                    data.append(value);
                    hasData = true;
                } else if (field.equals("event")) {
                    type = value;
                }
            }
        }
        return hasData ? new Event(type, data.toString()) : null;
    }
}
