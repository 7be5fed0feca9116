// Unit tests of the API health verdict on the manual clock: a check at once and every interval,
// what other calls' answers prove in between, nothing after stop.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final List<CompletableFuture<Health>> checks = new CopyOnWriteArrayList<>();
    private final List<Long> checkTimes = new CopyOnWriteArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final HealthMonitor monitor = new HealthMonitor(
            clock,
            () -> {
                checkTimes.add(clock.nowMillis());
                CompletableFuture<Health> f = new CompletableFuture<>();
                checks.add(f);
                return f;
            },
            Duration.ofSeconds(10),
            changes::incrementAndGet);

    @AfterEach
    void tearDown() {
        clock.shutdown();
    }

    private void onLoop(Runnable r) {
        clock.execute(r);
        clock.drain();
    }

    private void answer(int check, Health h) {
        checks.get(check).complete(h);
        clock.drain();
    }

    @Test
    void checksAtOnceAndEveryIntervalAndReadsTheAnswer() {
        onLoop(monitor::checkNow);
        assertThat(monitor.apiUp()).isFalse();
        answer(0, new Health("ok", "1", "n", "sqlite"));
        assertThat(monitor.apiUp()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        answer(1, new Health("degraded", "1", "n", "sqlite"));
        assertThat(monitor.apiUp()).isFalse();
        clock.advance(Duration.ofSeconds(10));
        checks.get(2).completeExceptionally(new LanechatConnectionException("refused", null));
        clock.drain();
        assertThat(monitor.apiUp()).isFalse();
        assertThat(checkTimes).containsExactly(0L, 10_000L, 20_000L);
        assertThat(changes).hasValue(3);
    }

    @Test
    void aCheckNowRestartsTheInterval() {
        onLoop(monitor::checkNow);
        clock.advance(Duration.ofSeconds(4));
        onLoop(monitor::checkNow); // e.g. the socket just went down
        clock.advance(Duration.ofSeconds(10));
        assertThat(checkTimes).containsExactly(0L, 4_000L, 14_000L);
    }

    @Test
    void otherCallsProveTheApiUpOrDown() {
        onLoop(() -> monitor.note(null));
        assertThat(monitor.apiUp()).isTrue();
        onLoop(() -> monitor.note(new LanechatConnectionException("refused", null)));
        assertThat(monitor.apiUp()).isFalse();
        onLoop(() -> monitor.note(new LanechatApiException(404, "not_found", "no", null)));
        assertThat(monitor.apiUp()).isTrue(); // an error answer is still an answer
        assertThat(changes).hasValue(3);
    }

    @Test
    void afterStopNothingIsCheckedAndLateAnswersAreIgnored() {
        onLoop(monitor::checkNow);
        onLoop(monitor::stop);
        answer(0, new Health("ok", "1", "n", "sqlite"));
        clock.advance(Duration.ofSeconds(60));
        assertThat(monitor.apiUp()).isFalse();
        assertThat(checkTimes).containsExactly(0L);
        assertThat(changes).hasValue(0);
    }
}
