package dev.lanechat.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets, on a clock the test moves. */
class RateLimiterTest {
    @Test
    void forgetFullDropsOnlyBucketsThatRefilledSoNoAnswerChanges() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(2, 1.0, now::get); // 2 at once, then 1 a second
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(1000);
        assertThat(limiter.acquire("b")).isZero();

        now.addAndGet(1_000_000_000L); // b is full again; a has one token of two
        assertThat(limiter.forgetFull()).isEqualTo(1);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(1000); // a was kept: its debt stands

        now.addAndGet(2_000_000_000L);
        assertThat(limiter.forgetFull()).isEqualTo(1);
        assertThat(limiter.forgetFull()).isZero();
    }

    @Test
    void aClockReadOlderThanTheBucketsTakesNoTokensAway() {
        AtomicLong now = new AtomicLong(10_000_000_000L);
        RateLimiter limiter = new RateLimiter(2, 1000.0, now::get); // 2 at once, then 1 a millisecond
        assertThat(limiter.acquire("a")).isZero(); // one token left, the bucket stamped at 10 s

        // A caller that read the clock at 9 s and took the bucket's lock only now.
        now.set(9_000_000_000L);
        assertThat(limiter.acquire("a")).isZero();
        now.set(10_000_000_000L);
        assertThat(limiter.acquire("a")).isEqualTo(1); // both tokens spent; the next in a millisecond
    }
}
