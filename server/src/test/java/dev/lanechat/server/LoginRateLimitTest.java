package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@code POST /api/session} is limited per client address (a burst, then so many a
 * minute). Every attempt counts, a good token's too: guessing gets no cheaper, and one token
 * cannot mint sessions without end.
 */
class LoginRateLimitTest {
    @TempDir
    Path dataDir;

    @Test
    void logInAttemptsPastTheBurstAre429WithRetryAfterAndEveryAttemptCounts() {
        try (TestServer server =
                TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).loginRate(3, 60))) {
            String token = TokenUsers.add(dataDir, "ada");
            Http http = server.http();
            assertError(http.post("/api/session", Map.of("token", "lc_wrong-1")), 401, "unauthenticated");
            assertError(http.post("/api/session", Map.of("token", "lc_wrong-2")), 401, "unauthenticated");
            assertThat(http.post("/api/session", Map.of("token", token)).status())
                    .isEqualTo(200);

            // The fourth, good or bad, waits; 60 a minute is one a second.
            Http.Response limited = http.post("/api/session", Map.of("token", token));
            assertError(limited, 429, "rate_limited");
            assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);
            assertError(http.post("/api/session", Map.of("token", "lc_wrong-3")), 429, "rate_limited");
            assertError(http.post("/api/session", "not even json"), 429, "rate_limited");

            // The rest of the API is not the log-in limiter's business.
            assertThat(http.withBearer(token).get("/api/conversations").status())
                    .isEqualTo(200);

            long waitMs = Long.parseLong(limited.header("Retry-After")) * 1000;
            sleep(waitMs + 100);
            assertThat(http.post("/api/session", Map.of("token", token)).status())
                    .isEqualTo(200);
            assertError(http.post("/api/session", Map.of("token", token)), 429, "rate_limited");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
