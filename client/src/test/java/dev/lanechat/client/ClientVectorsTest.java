// The Java client against docs/client-vectors.json (the same file web/src/lib/client-vectors.test.ts
// reads): backoff steps and jitter bounds, Retry-After forms, the outcome of an event, progress
// offsets and gaps. One dynamic test per vector.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class ClientVectorsTest {
    @TestFactory
    Stream<DynamicTest> backoffWaitsForAFixedRandomDraw() {
        return ClientVectors.section("backoff").stream()
                .map(v -> DynamicTest.dynamicTest("random " + v.path("random").asDouble(), () -> {
                    List<Long> expected = longs(v.path("waits_ms"));
                    Backoff backoff =
                            new Backoff(BackoffTest.fixed(v.path("random").asDouble()));
                    List<Long> waits = new ArrayList<>();
                    for (int i = 0; i < expected.size(); i++) {
                        waits.add(backoff.next().toMillis());
                    }
                    assertThat(waits).containsExactlyElementsOf(expected);
                }));
    }

    @TestFactory
    Stream<DynamicTest> retryAfterAsSecondsOrAnHttpDate() {
        return ClientVectors.section("retry_after").stream()
                .map(v -> DynamicTest.dynamicTest("'" + v.path("header").asText() + "'", () -> {
                    Optional<Duration> parsed = RetryAfter.parse(
                            v.path("header").asText(),
                            Instant.parse(v.path("now").asText()));
                    JsonNode ms = v.path("ms");
                    if (ms.isNull()) {
                        assertThat(parsed).isEmpty();
                    } else {
                        assertThat(parsed).contains(Duration.ofMillis(ms.asLong()));
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> taskOutcomeOfAFrame() {
        ObjectMapper wire = Json.newMapper();
        ObjectMapper plain = new ObjectMapper();
        return ClientVectors.section("task_outcome").stream()
                .map(v -> DynamicTest.dynamicTest(v.path("name").asText(), () -> {
                    Event frame = wire.treeToValue(v.path("frame"), Event.class);
                    TaskOutcome o = TaskOutcome.fromEvent(frame, wire, TaskOutcome.Delivery.PUSH);
                    JsonNode expected = v.path("outcome");
                    if (expected.isNull()) {
                        assertThat(o).isNull();
                        assertThat(TaskOutcome.isEnd(frame) && frame.taskId() != null)
                                .isFalse();
                        return;
                    }
                    assertThat(o).isNotNull();
                    assertThat(o.taskId()).isEqualTo(frame.taskId());
                    assertThat(o.status()).isEqualTo(expected.path("status").asText());
                    assertThat(o.completed())
                            .isEqualTo(
                                    "completed".equals(expected.path("status").asText()));
                    assertThat(o.error())
                            .isEqualTo(
                                    expected.path("error").isNull()
                                            ? null
                                            : expected.path("error").asText());
                    assertThat(o.cancelled())
                            .isEqualTo(expected.path("cancelled").asBoolean());
                    // The result as sent: compared as JSON, both sides read by the same plain mapper.
                    JsonNode result =
                            o.result() == null ? plain.nullNode() : plain.readTree(wire.writeValueAsString(o.result()));
                    assertThat(result)
                            .isEqualTo(plain.readTree(expected.path("result").toString()));
                }));
    }

    /**
     * Progress steps through {@link ProgressTracker}: each frame's verdict, then each task's text
     * (rebuilt from the delivered deltas: offset 0 starts it again) and whether it is broken, or
     * null once its outcome is known.
     */
    @TestFactory
    Stream<DynamicTest> progressOffsetsAndGaps() {
        return ClientVectors.section("progress").stream()
                .map(v -> DynamicTest.dynamicTest(v.path("name").asText(), () -> {
                    ProgressTracker tracker = new ProgressTracker();
                    Map<String, StringBuilder> text = new LinkedHashMap<>();
                    int n = 0;
                    for (JsonNode step : v.path("steps")) {
                        n++;
                        if (step.has("outcome")) {
                            tracker.ended(step.path("outcome").asText());
                            continue;
                        }
                        JsonNode p = step.path("progress");
                        String task = p.path("task_id").asText();
                        String delta = p.path("delta").asText();
                        long offset = p.path("offset").asLong();
                        ProgressTracker.Verdict verdict = tracker.frame(task, offset, delta.length());
                        assertThat(name(verdict))
                                .as("step %d", n)
                                .isEqualTo(step.path("then").asText());
                        if (verdict instanceof ProgressTracker.Deliver) {
                            StringBuilder sb = text.computeIfAbsent(task, t -> new StringBuilder());
                            if (offset == 0) {
                                sb.setLength(0);
                            }
                            sb.append(delta);
                        }
                    }
                    v.path("final").fields().forEachRemaining(f -> {
                        String task = f.getKey();
                        if (f.getValue().isNull()) {
                            assertThat(tracker.isOver(task)).as(task + " over").isTrue();
                            return;
                        }
                        assertThat(tracker.isOver(task)).as(task + " over").isFalse();
                        String built =
                                text.getOrDefault(task, new StringBuilder()).toString();
                        assertThat(built)
                                .as(task + " text")
                                .isEqualTo(f.getValue().path("text").asText());
                        assertThat(tracker.broken(task))
                                .as(task + " broken")
                                .isEqualTo(f.getValue().path("broken").asBoolean());
                    });
                }));
    }

    /** The same steps as frames through a whole stream (scripted socket): what its listener hears. */
    @TestFactory
    Stream<DynamicTest> progressThroughTheStream() {
        ObjectMapper plain = new ObjectMapper();
        return ClientVectors.section("progress").stream()
                .map(v -> DynamicTest.dynamicTest(v.path("name").asText(), () -> {
                    try (ScriptedStream s = new ScriptedStream()) {
                        s.transport.accept = true;
                        s.startAndAwaitAttempts(1);
                        s.transport.last().frame("{\"event\":\"ready\",\"data\":{\"last_id\":0}}");
                        long id = 0;
                        int n = 0;
                        for (JsonNode step : v.path("steps")) {
                            n++;
                            int heard = s.seen.progress.size() + s.seen.gaps.size();
                            if (step.has("outcome")) {
                                String end = "{\"event\":\"update\",\"id\":" + (++id)
                                        + ",\"data\":{\"type\":\"task.completed\","
                                        + "\"task_id\":"
                                        + plain.writeValueAsString(
                                                step.path("outcome").asText())
                                        + ",\"result\":{\"content\":\"\",\"model\":\"m\",\"cost_usd\":0,\"files\":[]}}}";
                                s.transport.last().frame(end);
                                s.clock.drain();
                                continue;
                            }
                            s.transport.last().frame("{\"event\":\"progress\",\"data\":" + step.path("progress") + "}");
                            s.clock.drain();
                            String then = step.path("then").asText();
                            assertThat(s.seen.progress.size() + s.seen.gaps.size())
                                    .as("step %d heard", n)
                                    .isEqualTo(heard + (then.equals("ignore") ? 0 : 1));
                            if (!then.equals("ignore")) {
                                List<String> list = then.equals("deliver") ? s.seen.progress : s.seen.gaps;
                                String task =
                                        step.path("progress").path("task_id").asText();
                                assertThat(list.get(list.size() - 1))
                                        .as("step %d", n)
                                        .startsWith(task);
                            }
                        }
                    }
                }));
    }

    private static String name(ProgressTracker.Verdict v) {
        if (v instanceof ProgressTracker.Deliver) {
            return "deliver";
        }
        return v instanceof ProgressTracker.Gap ? "gap" : "ignore";
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }
}
