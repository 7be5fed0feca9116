package dev.lanechat.server.lanes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * How a processor tries a call again within one attempt of a task: at most {@code tries} calls in
 * all, waiting before each next one what the endpoint's {@code Retry-After} asks for or else a
 * backoff that doubles from {@code firstBackoff}, never longer than {@code maxWait}. Holds the
 * server's one {@code Retry-After} parser ({@link #retryAfter}).
 *
 * @param clock what an HTTP-date {@code Retry-After} is measured against
 */
public record RetryPolicy(int tries, Duration firstBackoff, Duration maxWait, Clock clock) {
    /** How often a wait looks at the task's cancel flag. */
    static final long POLL_MS = LineStream.POLL_MS;

    /** Three tries, 0.5 s then 1 s of backoff, at most 30 s of wait. */
    public static RetryPolicy standard(Clock clock) {
        return new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(30), clock);
    }

    /** Whether the call may be made again after its {@code tried}-th failure. */
    public boolean mayRetry(int tried) {
        return tried < tries;
    }

    /**
     * The wait after the {@code tried}-th failed call (1-based), given the answer's
     * {@code Retry-After} header, if any.
     */
    public Duration waitAfter(int tried, Optional<String> retryAfterHeader) {
        Duration backoff = firstBackoff.multipliedBy(1L << Math.min(30, Math.max(0, tried - 1)));
        Duration wait = retryAfterHeader
                .flatMap(value -> retryAfter(value, clock.instant()))
                .orElse(backoff);
        return wait.compareTo(maxWait) > 0 ? maxWait : wait;
    }

    /**
     * A {@code Retry-After} value: seconds (fractions allowed) or an HTTP date (RFC 1123), as a
     * wait from {@code now}; a date in the past waits not at all; anything else is empty.
     */
    public static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds >= 0 && Double.isFinite(seconds)
                    ? Optional.of(Duration.ofMillis((long) (seconds * 1000)))
                    : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(
                        now,
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    /** Waits {@code wait}, or throws as soon as the task is cancelled. */
    static void pause(Duration wait, BooleanSupplier cancelled) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedException("cancelled");
            }
            Thread.sleep(Math.max(1, Math.min(POLL_MS, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }
}
