// The reconnect schedule of protocol.md: 1, 2, 4, 8, 16, 30, 30 … s, each plus up to 20 % jitter.
package dev.lanechat.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Reconnect delays: doubling from 1 s, capped at 30 s, plus random jitter of at most 20 %. */
final class Backoff {
  static final long FIRST_MS = 1_000;
  static final long CAP_MS = 30_000;
  static final double MAX_JITTER = 0.20;

  private final RandomGenerator random;
  private int attempt;

  Backoff(RandomGenerator random) {
    this.random = random;
  }

  /** @return the wait before the next try, and advances the schedule */
  Duration next() {
    long base = base(attempt);
    attempt++;
    // nextDouble() is in [0, 1): the wait stays under base + 20 %.
    return Duration.ofMillis(base + (long) (base * MAX_JITTER * random.nextDouble()));
  }

  /** Back to 1 s: called after a successful open. */
  void reset() {
    attempt = 0;
  }

  static long base(int attempt) {
    // Shift only while it can still be under the cap, so large attempt counts cannot overflow.
    return attempt >= 5 ? CAP_MS : Math.min(CAP_MS, FIRST_MS << attempt);
  }
}
