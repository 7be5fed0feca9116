// The reconnect schedule of protocol.md: 1, 2, 4, 8, 16, 30, 30 … s, each plus up to 20 % jitter.
// SendRetrier uses the same schedule with a lower cap.
package dev.lanechat.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Delays: doubling from 1 s, capped (30 s unless told), plus random jitter of at most 20 %. */
final class Backoff {
    static final long FIRST_MS = 1_000;
    static final long CAP_MS = 30_000;
    static final double MAX_JITTER = 0.20;

    private final RandomGenerator random;
    private final long capMs;
    private int attempt;

    Backoff(RandomGenerator random) {
        this(random, CAP_MS);
    }

    /** @param capMs the longest wait before jitter */
    Backoff(RandomGenerator random, long capMs) {
        this.random = random;
        this.capMs = capMs;
    }

    /** @return the wait before the next try, and advances the schedule */
    Duration next() {
        long base = base(attempt, capMs);
        attempt++;
        // nextDouble() is in [0, 1): the wait stays under base + 20 %.
        return Duration.ofMillis(base + (long) (base * MAX_JITTER * random.nextDouble()));
    }

    /** Back to 1 s: called after a successful open. */
    void reset() {
        attempt = 0;
    }

    static long base(int attempt, long capMs) {
        // Shift only while it cannot overflow; 2^30 s is far beyond any cap.
        return attempt >= 30 ? capMs : Math.min(capMs, FIRST_MS << attempt);
    }
}
