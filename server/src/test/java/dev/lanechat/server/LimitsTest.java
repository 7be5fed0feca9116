package dev.lanechat.server;

import static dev.lanechat.server.TokenAuthTest.assertErrorThenClose;
import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket's Origin check, connection cap and frame rate limit, and the per-user send rate limit. */
class LimitsTest {
    @TempDir
    Path dataDir;

    @Test
    void originsOtherThanTheServersOwnOrTheAllowListAreClosedWith1008() {
        try (TestServer server =
                TestServer.start(dataDir, b -> b.allowedOrigins(List.of("https://chat.example.com")))) {
            int port = server.port();
            // Refused at the upgrade already: no subscribe needed (or possible).
            assertErrorThenClose(server.socket("Origin", "https://evil.example.com"), "forbidden_origin", 1008);
            // Same host, another port: another origin.
            assertErrorThenClose(
                    server.socket("Origin", "http://127.0.0.1:" + (port == 1 ? 2 : port - 1)),
                    "forbidden_origin",
                    1008);
            assertErrorThenClose(server.socket("Origin", "null"), "forbidden_origin", 1008);
            assertErrorThenClose(
                    server.socket("Origin", "https://chat.example.com.evil.net"), "forbidden_origin", 1008);

            // No Origin (not a browser), the server's own host:port, or an allow-listed origin: served.
            assertThat(server.socket().subscribe().ready()).isZero();
            assertThat(server.socket("Origin", "http://127.0.0.1:" + port)
                            .subscribe()
                            .ready())
                    .isZero();
            assertThat(server.socket("Origin", "https://chat.example.com")
                            .subscribe()
                            .ready())
                    .isZero();
            assertThat(server.socket("Origin", "https://CHAT.example.com/")
                            .subscribe()
                            .ready())
                    .isZero();
        }
    }

    @Test
    void beyondTheConnectionCapASocketGetsOverCapacityWithRetryAfterThen1013() {
        try (TestServer server = TestServer.start(dataDir, b -> b.maxSockets(2))) {
            Socket one = server.socket().subscribe();
            Socket two = server.socket(); // not yet subscribed: it counts too
            assertThat(one.ready()).isZero();
            Socket three = server.socket();
            JsonNode error = three.next();
            assertThat(error.path("event").asText()).isEqualTo("error");
            assertThat(error.path("data").path("code").asText()).isEqualTo("over_capacity");
            assertThat(error.path("data").path("retry_after_ms").asLong()).isPositive();
            assertThat(three.closeCode()).isEqualTo(1013);

            // The ones inside are still served; once one leaves, a new one gets in.
            Http http = server.http();
            String conversation = http.createConversation().path("id").asText();
            http.send(conversation, "still here?");
            assertThat(one.update().path("id").asLong()).isEqualTo(1);
            two.close();
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        Socket next = server.socket().subscribe();
                        JsonNode frame = next.nextNonPing();
                        return frame.path("event").asText().equals("ready");
                    });
        }
    }

    @Test
    void aFrameFloodIsRateLimitedAndClosed() {
        try (TestServer server = TestServer.start(dataDir, b -> b.socketFrameRate(5, 1))) {
            Socket calm = server.socket().subscribe();
            assertThat(calm.ready()).isZero();
            Socket flood = server.socket().subscribe();
            assertThat(flood.ready()).isZero();
            // After the subscribe, other JSON objects are ignored, but only so many a second.
            // One frame at a time, stopping at the answer: frames sent after the server closed would
            // make its TCP stack reset the connection, which can discard the error frame in flight.
            JsonNode error = null;
            for (int i = 0; i < 20 && error == null && flood.isOpen(); i++) {
                try {
                    flood.send("{\"hello\":" + i + "}");
                } catch (RuntimeException e) {
                    break; // the server closed it mid-flood
                }
                error = flood.nextOrNull(Duration.ofMillis(100));
            }
            if (error == null) {
                error = flood.nextNonPing();
            }
            assertThat(error.path("event").asText()).as(error.toString()).isEqualTo("error");
            assertThat(error.path("data").path("code").asText()).isEqualTo("rate_limited");
            assertThat(error.path("data").path("retry_after_ms").asLong()).isPositive();
            assertThat(flood.closeCode()).isEqualTo(1008);

            // The rate is per connection: the calm socket is still served, and may send its few frames.
            calm.send("{\"hello\":1}");
            Http http = server.http();
            http.send(http.createConversation().path("id").asText(), "after the flood");
            assertThat(calm.update().path("id").asLong()).isEqualTo(1);
            assertThat(calm.isOpen()).isTrue();
        }
    }

    @Test
    void theDefaultSendRateLetsABurstOf100Through() {
        try (TestServer server = TestServer.start(dataDir)) {
            Http http = server.http();
            String conversation = http.createConversation().path("id").asText();
            for (int i = 0; i < 100; i++) {
                http.send(conversation, "burst " + i);
            }
        }
    }

    @Test
    void beyondTheSendRateA429WithRetryAfter() {
        try (TestServer server = TestServer.start(dataDir, b -> b.sendRate(5, 60))) {
            Http http = server.http();
            String conversation = http.createConversation().path("id").asText();
            for (int i = 0; i < 5; i++) {
                http.send(conversation, "allowed " + i);
            }
            Http.Response sixth =
                    http.post("/api/conversations/" + conversation + "/messages", Map.of("content", "one too many"));
            assertError(sixth, 429, "rate_limited");
            int retryAfter = Integer.parseInt(sixth.header("Retry-After"));
            assertThat(retryAfter).isBetween(1, 2); // one message a second refills
            // Only sends are limited: reading goes on.
            assertThat(http.conversation(conversation).path("messages")).hasSize(10);
            // After Retry-After, sending works again.
            await().atMost(Duration.ofSeconds(retryAfter + 2))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            http.post("/api/conversations/" + conversation + "/messages", Map.of("content", "later"))
                                            .status()
                                    == 202);
        }
    }

    @Test
    void creatingAndRenamingConversationsBeyondTheRateA429WithRetryAfterPerUser() {
        String aliceToken = TokenUsers.add(dataDir, "alice");
        String bobToken = TokenUsers.add(dataDir, "bob");
        try (TestServer server =
                TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).conversationRate(3, 60))) {
            Http alice = server.http().withBearer(aliceToken);
            Http bob = server.http().withBearer(bobToken);
            String first = alice.createConversation().path("id").asText();
            // Sends create no conversation: they are not counted here (they have their own limit).
            for (int i = 0; i < 5; i++) {
                alice.send(first, "not counted " + i);
            }
            alice.createConversation();
            alice.createConversation();

            Http.Response fourth = alice.post("/api/conversations", Map.of("title", "one too many"));
            assertError(fourth, 429, "rate_limited");
            int retryAfter = Integer.parseInt(fourth.header("Retry-After"));
            assertThat(retryAfter).isBetween(1, 2); // one a second refills
            Http.Response rename = alice.request(
                    "PATCH", "/api/conversations/" + first, "application/json", Http.bytes(Map.of("title", "renamed")));
            assertError(rename, 429, "rate_limited");
            assertThat(rename.header("Retry-After")).isNotNull();
            // Nothing was created or renamed; reading and sending go on.
            JsonNode list = alice.get("/api/conversations").json();
            assertThat(list).hasSize(3);
            assertThat(list.findValuesAsText("title")).doesNotContain("one too many", "renamed");
            alice.send(first, "still sending");

            // Another user has a bucket of their own.
            String bobs = bob.createConversation().path("id").asText();
            bob.createConversation();
            assertThat(bob.request(
                                    "PATCH",
                                    "/api/conversations/" + bobs,
                                    "application/json",
                                    Http.bytes(Map.of("title", "bob's")))
                            .status())
                    .isEqualTo(200);
            assertError(bob.post("/api/conversations", Map.of()), 429, "rate_limited");

            // After Retry-After, Alice may create again.
            await().atMost(Duration.ofSeconds(retryAfter + 2))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> alice.post("/api/conversations", Map.of()).status() == 201);
        }
    }
}
