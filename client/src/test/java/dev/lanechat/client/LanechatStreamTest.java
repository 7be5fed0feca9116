// Unit tests of the stream's socket behaviour, with a manual clock and a scripted transport:
// the backoff schedule in real reconnects, resume with since, watchdog, retry_after_ms, reset,
// duplicate dropping. (Against the real server: LanechatStreamServerIT-style tests in *ServerTest.)
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LanechatStreamTest {
  private ManualScheduler clock;
  private FakeTransport transport;
  private LanechatStream stream;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<String> resets = new CopyOnWriteArrayList<>();
  private final List<ConnectionStatus> statuses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    clock = new ManualScheduler();
    transport = new FakeTransport(clock);
    // An API nobody listens on: health checks fail, so the socket alone decides the status.
    LanechatClient api = LanechatClient.builder().url("http://127.0.0.1:" + closedPort()).build();
    stream =
        LanechatStream.builder(api)
            .scheduler(clock)
            .random(BackoffTest.fixed(0.5))
            .transport(transport)
            .listener(
                new StreamListener() {
                  @Override
                  public void onEvent(Event event) {
                    events.add(event);
                  }

                  @Override
                  public void onTaskOutcome(TaskOutcome outcome) {
                    outcomes.add(outcome);
                  }

                  @Override
                  public void onReset() {
                    resets.add("reset");
                  }

                  @Override
                  public void onStatus(ConnectionStatus status) {
                    statuses.add(status);
                  }
                })
            .build();
  }

  @AfterEach
  void tearDown() {
    stream.close();
    clock.shutdown();
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void startAndAwaitAttempts(int n) {
    stream.start();
    clock.drain();
    await().until(() -> transport.attemptTimes.size() >= n);
  }

  @Test
  void reconnectsOnTheBackoffScheduleWithJitter() {
    startAndAwaitAttempts(1);
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
    startAndAwaitAttempts(1);
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
    startAndAwaitAttempts(1);
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
    startAndAwaitAttempts(1);
    FakeTransport.FakeSocket s = transport.last();
    s.frame("{\"event\":\"error\",\"data\":{\"code\":\"over_capacity\",\"message\":\"busy\",\"retry_after_ms\":7000}}");
    s.handler.onClosed(1013, "busy");
    clock.advance(Duration.ofMillis(6_999));
    assertThat(transport.attemptTimes).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(transport.attemptTimes).hasSize(2);
  }

  @Test
  void dropsDuplicateEventsAndCompletesATrackedTaskOnce() {
    transport.accept = true;
    startAndAwaitAttempts(1);
    FakeTransport.FakeSocket s = transport.last();
    s.frame("{\"event\":\"ready\",\"data\":{\"last_id\":3}}");
    CompletableFuture<TaskOutcome> f = stream.track("t1");
    clock.drain();
    String done =
        "{\"event\":\"update\",\"id\":4,\"data\":{\"type\":\"task.completed\",\"task_id\":\"t1\","
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
    assertThat(events).extracting(Event::id).containsExactly(4L);
    assertThat(outcomes).hasSize(1);
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
    transport.accept = true;
    stream.close();
    stream =
        LanechatStream.builder(LanechatClient.builder().url("http://127.0.0.1:9").build())
            .scheduler(clock)
            .transport(transport)
            .since(500)
            .listener(new StreamListener() {
              @Override
              public void onReset() {
                resets.add("reset");
              }

              @Override
              public void onEvent(Event event) {
                events.add(event);
              }
            })
            .build();
    startAndAwaitAttempts(1);
    FakeTransport.FakeSocket s = transport.last();
    assertThat(s.sent).containsExactly("{\"token\":\"stream\",\"since\":500}");
    s.frame("{\"event\":\"reset\",\"data\":{}}");
    s.frame("{\"event\":\"ready\",\"data\":{\"last_id\":2}}");
    s.frame("{\"event\":\"update\",\"id\":3,\"data\":{\"type\":\"task.queued\",\"task_id\":\"x\"}}");
    clock.drain();
    assertThat(resets).hasSize(1);
    assertThat(stream.lastEventId()).isEqualTo(3);
    assertThat(events).extracting(Event::id).containsExactly(3L);
  }

  @Test
  void closeFailsPendingFutures() {
    startAndAwaitAttempts(1);
    CompletableFuture<TaskOutcome> f = stream.track("t9");
    clock.drain();
    stream.close();
    assertThat(f).isCompletedExceptionally();
  }
}
