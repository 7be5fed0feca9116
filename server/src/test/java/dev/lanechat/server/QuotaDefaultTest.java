package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's default quota ({@code --quota-messages-per-day}) in open mode, whose one local user
 * is the admin (issue 20): the default stops the next send, and the admin's own quota for the
 * user wins over it.
 */
class QuotaDefaultTest {
    @TempDir
    Path dataDir;

    @Test
    void theDefaultQuotaStopsTheNextSendAndAUsersOwnQuotaWinsOverIt() {
        try (TestServer server = TestServer.start(dataDir, b -> b.quotaMessagesPerDay(2))) {
            Http http = server.http();
            assertThat(http.get("/api/session").json().path("role").asText()).isEqualTo("admin");
            String conversation = http.createConversation().path("id").asText();
            for (int i = 0; i < 2; i++) {
                http.awaitTaskEnd(
                        http.send(conversation, "message " + i).path("task_id").asText());
            }
            JsonNode usage = http.get("/api/usage").json();
            assertThat(usage.path("quota").path("messages_per_day").asLong()).isEqualTo(2);
            assertThat(usage.path("today").path("messages").asLong()).isEqualTo(2);
            Http.Response refused =
                    http.post("/api/conversations/" + conversation + "/messages", Map.of("content", "a third"));
            assertError(refused, 429, "quota_exceeded");
            assertThat(refused.header("Retry-After")).isNotBlank();

            JsonNode local = http.get("/api/admin/users").json().path("users").path(0);
            assertThat(local.path("name").asText()).isEqualTo("local");
            assertThat(local.path("quota").path("messages_per_day").asLong()).isEqualTo(2);
            Http.Response set = http.request(
                    "PUT", "/api/admin/users/local/quota", "application/json", Http.bytes("{\"messages_per_day\":3}"));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json().path("quota").path("messages_per_day").asLong())
                    .isEqualTo(3);
            http.awaitTaskEnd(http.send(conversation, "a third").path("task_id").asText());
            assertError(
                    http.post("/api/conversations/" + conversation + "/messages", Map.of("content", "a fourth")),
                    429,
                    "quota_exceeded");
        }
    }
}
