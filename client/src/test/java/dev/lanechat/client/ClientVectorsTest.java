// The Java client against docs/client-vectors.json (the same file web/src/lib/client-vectors.test.ts
// reads): backoff steps and jitter bounds, Retry-After forms. One dynamic test per vector.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class ClientVectorsTest {
  @TestFactory
  Stream<DynamicTest> backoffWaitsForAFixedRandomDraw() {
    return ClientVectors.section("backoff").stream()
        .map(
            v ->
                DynamicTest.dynamicTest(
                    "random " + v.path("random").asDouble(),
                    () -> {
                      List<Long> expected = longs(v.path("waits_ms"));
                      Backoff backoff = new Backoff(BackoffTest.fixed(v.path("random").asDouble()));
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
        .map(
            v ->
                DynamicTest.dynamicTest(
                    "'" + v.path("header").asText() + "'",
                    () -> {
                      Optional<Duration> parsed =
                          RetryAfter.parse(v.path("header").asText(), Instant.parse(v.path("now").asText()));
                      JsonNode ms = v.path("ms");
                      if (ms.isNull()) {
                        assertThat(parsed).isEmpty();
                      } else {
                        assertThat(parsed).contains(Duration.ofMillis(ms.asLong()));
                      }
                    }));
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asLong()));
    return out;
  }
}
