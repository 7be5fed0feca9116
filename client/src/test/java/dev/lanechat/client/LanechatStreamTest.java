// Unit tests of the stream's socket behaviour, with a manual clock and a scripted transport:
// the backoff schedule in real reconnects, resume with since, watchdog, retry_after_ms, reset,
// duplicate dropping. (Against the real server: LanechatStreamServerIT-style tests in *ServerTest.)
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LanechatStreamTest {
    private final ScriptedStream scripted = new ScriptedStream();
    private final ManualScheduler clock = scripted.clock;
    private final FakeTransport transport = scripted.transport;
    private final LanechatStream stream = scripted.stream;
    private final Recorder seen = scripted.seen;

    @AfterEach
    void tearDown() {
        scripted.close();
    }

    @Test
    void reconnectsOnTheBackoffScheduleWithJitter() {
        scripted.startAndAwaitAttempts(1);
        // Jitter fixed at half its maximum: +10 %. Waits 1.1, 2.2, 4.4, 8.8, 17.6, 33, 33 s.
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofSeconds(40));
        }
        List<Long> t = transport.attemptTimes;
        assertThat(t).hasSizeGreaterThanOrEqualTo(8);
        List<Long> waits = new java.util.ArrayList<>();
        for (int i = 1; i < 8; i++) {
            waits.add(t.get(i) - t.get(i - 1));
        }
        assertThat(waits).containsExactly(1_100L, 2_200L, 4_400L, 8_800L, 17_600L, 33_000L, 33_000L);
    }

    @Test
    void successfulOpenResetsTheBackoffAndResumesWithSince() {
        scripted.startAndAwaitAttempts(1);
        clock.advance(Duration.ofMillis(1_100)); // 2nd attempt
        clock.advance(Duration.ofMillis(2_200)); // 3rd attempt
        assertThat(transport.attemptTimes).hasSize(3);

        transport.accept = true;
        clock.advance(Duration.ofMillis(4_400)); // 4th attempt opens
        FakeTransport.FakeSocket s = transport.last();
        assertThat(s.sent).containsExactly("{\"token\":\"stream\"}");
        s.frame("{\"event\":\"ready\",\"data\":{\"last_id\":7}}");
        clock.drain();
        assertThat(stream.lastEventId()).isEqualTo(7);
        assertThat(stream.status()).isEqualTo(ConnectionStatus.PARTIAL);

        s.handler.onClosed(1006, "gone");
        clock.drain();
        assertThat(stream.status()).isEqualTo(ConnectionStatus.DISCONNECTED);
        long closedAt = clock.nowMillis();
        clock.advance(Duration.ofMillis(1_100));
        assertThat(transport.attemptTimes).hasSize(5);
        assertThat(transport.attemptTimes.get(4) - closedAt).isEqualTo(1_100L);
        assertThat(transport.last().sent).containsExactly("{\"token\":\"stream\",\"since\":7}");
    }

    @Test
    void watchdogReconnectsAfterSixtySecondsOfSilence() {
        transport.accept = true;
        scripted.startAndAwaitAttempts(1);
        FakeTransport.FakeSocket s = transport.last();
        s.frame("{\"event\":\"ready\",\"data\":{\"last_id\":0}}");
        clock.advance(Duration.ofSeconds(50));
        s.frame("{\"event\":\"ping\",\"data\":{}}");
        clock.advance(Duration.ofSeconds(50)); // 100 s in, 50 s since the ping: still alive
        assertThat(s.aborted).isFalse();
        assertThat(transport.attemptTimes).hasSize(1);
        s.handler.onPing(); // a WebSocket-level ping counts as well
        clock.advance(Duration.ofSeconds(59));
        assertThat(s.aborted).isFalse();
        clock.advance(Duration.ofSeconds(1)); // 60 s of silence
        assertThat(s.aborted).isTrue();
        assertThat(stream.status()).isEqualTo(ConnectionStatus.DISCONNECTED);
        clock.advance(Duration.ofMillis(1_100)); // backoff was reset by the open: first step
        assertThat(transport.attemptTimes).hasSize(2);
    }

    @Test
    void honoursRetryAfterFromAnErrorEvent() {
        transport.accept = true;
        scripted.startAndAwaitAttempts(1);
        FakeTransport.FakeSocket s = transport.last();
        s.frame(
                "{\"event\":\"error\",\"data\":{\"code\":\"over_capacity\",\"message\":\"busy\",\"retry_after_ms\":7000}}");
        s.handler.onClosed(1013, "busy");
        clock.advance(Duration.ofMillis(6_999));
        assertThat(transport.attemptTimes).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(transport.attemptTimes).hasSize(2);
    }

    @Test
    void dropsDuplicateEventsAndCompletesATrackedTaskOnce() {
        transport.accept = true;
        scripted.startAndAwaitAttempts(1);
        FakeTransport.FakeSocket s = transport.last();
        s.frame("{\"event\":\"ready\",\"data\":{\"last_id\":3}}");
        CompletableFuture<TaskOutcome> f = stream.track("t1");
        clock.drain();
        String done = "{\"event\":\"update\",\"id\":4,\"data\":{\"type\":\"task.completed\",\"task_id\":\"t1\","
                + "\"conversation_id\":\"c\",\"message_id\":\"m\",\"lane\":\"demo\","
                + "\"result\":{\"content\":\"hi\",\"model\":\"demo\",\"cost_usd\":0,\"files\":[]}}}";
        s.frame(done);
        s.frame(done); // the same event again (e.g. a replay overlapping the push)
        s.frame("{\"event\":\"update\",\"id\":3,\"data\":{\"type\":\"task.queued\",\"task_id\":\"t1\"}}");
        s.frame("{\"event\":\"future_kind\",\"data\":{}}");
        clock.drain();
        assertThat(f).isCompleted();
        TaskOutcome o = f.join();
        assertThat(o.completed()).isTrue();
        assertThat(o.result().content()).isEqualTo("hi");
        assertThat(o.delivery()).isEqualTo(TaskOutcome.Delivery.PUSH);
        assertThat(seen.events).extracting(Event::id).containsExactly(4L);
        assertThat(seen.outcomes).hasSize(1);
        assertThat(stream.lastEventId()).isEqualTo(4);

        // A result that arrived before the task was tracked (the event beat the 202 answer).
        s.frame("{\"event\":\"update\",\"id\":5,\"data\":{\"type\":\"task.failed\",\"task_id\":\"t2\","
                + "\"result\":null,\"error\":\"cancelled\",\"cancelled\":true}}");
        clock.drain();
        TaskOutcome o2 = stream.track("t2").join();
        assertThat(o2.completed()).isFalse();
        assertThat(o2.cancelled()).isTrue();
    }

    @Test
    void resetNotifiesListenersAndAdoptsTheServersNewIds() {
        try (ScriptedStream resumed = new ScriptedStream(b -> b.since(500))) {
            resumed.transport.accept = true;
            resumed.startAndAwaitAttempts(1);
            FakeTransport.FakeSocket s = resumed.transport.last();
            assertThat(s.sent).containsExactly("{\"token\":\"stream\",\"since\":500}");
            s.frame("{\"event\":\"reset\",\"data\":{}}");
            s.frame("{\"event\":\"ready\",\"data\":{\"last_id\":2}}");
            s.frame("{\"event\":\"update\",\"id\":3,\"data\":{\"type\":\"task.queued\",\"task_id\":\"x\"}}");
            resumed.clock.drain();
            assertThat(resumed.seen.resets).isEqualTo(1);
            assertThat(resumed.stream.lastEventId()).isEqualTo(3);
            assertThat(resumed.seen.events).extracting(Event::id).containsExactly(3L);
        }
    }

    @Test
    void closeFailsPendingFutures() {
        scripted.startAndAwaitAttempts(1);
        CompletableFuture<TaskOutcome> f = stream.track("t9");
        clock.drain();
        stream.close();
        assertThat(f).isCompletedExceptionally();
    }
}
