package dev.lanechat.server.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The retry policy's waits and the server's one Retry-After parser. Milliseconds. */
class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private final RetryPolicy policy =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(RetryPolicy.retryAfter("2", NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryPolicy.retryAfter(" 1.5 ", NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryPolicy.retryAfter("Tue, 01 Dec 2026 12:00:07 GMT", NOW)).contains(Duration.ofSeconds(7));
        assertThat(RetryPolicy.retryAfter("Tue, 01 Dec 2026 11:59:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(RetryPolicy.retryAfter("-1", NOW)).isEmpty();
        assertThat(RetryPolicy.retryAfter("NaN", NOW)).isEmpty();
        assertThat(RetryPolicy.retryAfter("soon", NOW)).isEmpty();
    }

    @Test
    void theWaitIsTheHeadersElseADoublingBackoffNeverOverTheMaximum() {
        assertThat(policy.waitAfter(1, Optional.empty())).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.waitAfter(2, Optional.empty())).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.waitAfter(1, Optional.of("3"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.waitAfter(1, Optional.of("Tue, 01 Dec 2026 12:00:04 GMT")))
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.waitAfter(1, Optional.of("3600"))).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.waitAfter(1, Optional.of("garbage"))).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.mayRetry(2)).isTrue();
        assertThat(policy.mayRetry(3)).isFalse();
    }
}
