// Unit test of the reconnect schedule with a controlled random source.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    private static List<Long> take(Backoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.next().toMillis());
        }
        return out;
    }

    @Test
    void doublesFromOneSecondAndCapsAtThirty() {
        assertThat(take(new Backoff(fixed(0.0)), 9))
                .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void jitterAddsAtMostTwentyPercent() {
        assertThat(take(new Backoff(fixed(0.5)), 7))
                .containsExactly(1_100L, 2_200L, 4_400L, 8_800L, 17_600L, 33_000L, 33_000L);
        // The largest value a generator can return stays under +20 %.
        assertThat(take(new Backoff(fixed(Math.nextDown(1.0))), 6))
                .allSatisfy(ms -> assertThat(ms).isNotNegative())
                .containsExactly(1_199L, 2_399L, 4_799L, 9_599L, 19_199L, 35_999L);
    }

    @Test
    void realRandomStaysWithinTheBand() {
        Backoff b = new Backoff(new java.util.Random(42));
        long[] bases = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
        for (long base : bases) {
            assertThat(b.next()).isBetween(Duration.ofMillis(base), Duration.ofMillis(base * 12 / 10));
        }
    }

    @Test
    void resetGoesBackToOneSecond() {
        Backoff b = new Backoff(fixed(0.0));
        take(b, 5);
        b.reset();
        assertThat(take(b, 2)).containsExactly(1_000L, 2_000L);
    }

    @Test
    void largeAttemptCountsDoNotOverflow() {
        Backoff b = new Backoff(fixed(0.0));
        take(b, 200);
        assertThat(b.next().toMillis()).isEqualTo(30_000L);
    }
}
