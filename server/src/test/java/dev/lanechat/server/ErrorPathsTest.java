package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad input of protocol.md answers its status and code with the error body (the Http helper
 * also fails on any 5xx and on any error answer without the body).
 */
class ErrorPathsTest {
    private static final String MISSING = "00000000-0000-0000-0000-000000000000";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Http http;
    static String conversationId;
    static String sendPath;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir);
        http = server.http();
        conversationId = http.createConversation().path("id").asText();
        sendPath = "/api/conversations/" + conversationId + "/messages";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Response postRaw(String path, String contentType, byte[] body) {
        return http.request("POST", path, contentType, body);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{",
                "{\"content\":\"hi\"",
                "not json",
                "{\"content\":\"hi\"} trailing",
                "{\"content\":\"a\",\"content\":\"b\"}"
            })
    void malformedJsonIs400(String body) {
        assertError(http.post(sendPath, body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"content\":\"hi\"}]", "5", "\"hi\"", "null", "true"})
    void aBodyThatIsNotAnObjectIs400(String body) {
        assertError(http.post(sendPath, body), 400, "invalid_request");
        assertError(http.post("/api/conversations", body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"content\":5}",
                "{\"content\":true}",
                "{\"content\":[\"hi\"]}",
                "{\"content\":{\"text\":\"hi\"}}",
                "{\"content\":\"hi\",\"lane\":3}",
                "{\"content\":\"hi\",\"lane\":[]}"
            })
    void wrongTypesAre400(String body) {
        assertError(http.post(sendPath, body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"title\":[]}", "{\"title\":5}", "{\"title\":{}}"})
    void wrongTitleTypeIs400(String body) {
        assertError(http.post("/api/conversations", body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"lane\":\"demo\"}",
                "{\"content\":null}",
                "{\"content\":\"\"}",
                "{\"content\":\"   \"}",
                "{\"content\":\"\\n\\t \"}"
            })
    void missingEmptyOrBlankContentIs400(String body) {
        assertError(http.post(sendPath, body), 400, "invalid_request");
    }

    @Test
    void emptyBodyOnSendIs400() {
        assertError(postRaw(sendPath, "application/json", new byte[0]), 400, "invalid_request");
    }

    @Test
    void unknownLaneIs400() {
        assertError(http.post(sendPath, Map.of("content", "hi", "lane", "no-such-lane")), 400, "invalid_request");
    }

    @Test
    void unknownConversationIs404ForGetDeleteAndSend() {
        assertError(http.get("/api/conversations/" + MISSING), 404, "not_found");
        assertError(http.delete("/api/conversations/" + MISSING), 404, "not_found");
        assertError(
                http.post("/api/conversations/" + MISSING + "/messages", Map.of("content", "hi")), 404, "not_found");
        assertError(http.get("/api/conversations/not-even-a-uuid"), 404, "not_found");
    }

    @Test
    void unknownTaskAndFileAre404() {
        assertError(http.get("/api/tasks/" + MISSING), 404, "not_found");
        assertError(http.post("/api/tasks/" + MISSING + "/cancel", Map.of()), 404, "not_found");
        assertError(http.get("/api/files/" + MISSING), 404, "not_found");
    }

    @Test
    void contentOver32KiBIs413AndExactly32KiBIsAccepted() {
        assertThat(http.post(sendPath, Map.of("content", "a".repeat(32 * 1024))).status())
                .isEqualTo(202);
        assertError(http.post(sendPath, Map.of("content", "a".repeat(32 * 1024 + 1))), 413, "payload_too_large");
        // Counted in UTF-8 bytes, not characters: 16 385 two-byte characters are 32 770 bytes.
        assertError(http.post(sendPath, Map.of("content", "é".repeat(16 * 1024 + 1))), 413, "payload_too_large");
        assertThat(http.post(sendPath, Map.of("content", "é".repeat(16 * 1024))).status())
                .isEqualTo(202);
    }

    @Test
    void bodyOver64KiBIs413() {
        String padded = "{\"content\":\"hi\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}";
        assertError(http.post(sendPath, padded), 413, "payload_too_large");
        assertError(http.post("/api/conversations", padded), 413, "payload_too_large");
    }

    @Test
    void wrongContentTypeIs415() {
        byte[] body = "{\"content\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        assertError(postRaw(sendPath, "text/plain", body), 415, "unsupported_media_type");
        assertError(
                postRaw(sendPath, "application/x-www-form-urlencoded", "content=hi".getBytes(StandardCharsets.UTF_8)),
                415,
                "unsupported_media_type");
        assertError(postRaw(sendPath, null, body), 415, "unsupported_media_type");
        assertError(
                postRaw("/api/conversations", "text/plain", "{}".getBytes(StandardCharsets.UTF_8)),
                415,
                "unsupported_media_type");
        // With a charset parameter it is still JSON.
        assertThat(postRaw(sendPath, "application/json; charset=utf-8", body).status())
                .isEqualTo(202);
    }

    @Test
    void invalidUtf8BodyIs400() {
        byte[] body = {'{', '"', 'c', 'o', 'n', 't', 'e', 'n', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        assertError(postRaw(sendPath, "application/json", body), 400, "invalid_request");
        byte[] truncated = {'{', '"', 'c', 'o', 'n', 't', 'e', 'n', 't', '"', ':', '"', (byte) 0xc3, '"', '}'};
        assertError(postRaw(sendPath, "application/json", truncated), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"after=-1", "after=abc", "wait_s=x", "wait_s=-1", "after=1.5", "after=99999999999999999999"})
    void badEventsQueryIs400(String query) {
        assertError(http.get("/api/events?" + query), 400, "invalid_request");
    }

    @Test
    void waitAboveTheCapIsAcceptedNotRefused() {
        // wait_s is capped at 30, not refused; with events after 0 it answers at once.
        http.awaitTaskEnd(http.send(conversationId, "one event").path("task_id").asText());
        assertThat(http.get("/api/events?after=0&wait_s=3600").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/nope", "/api/conversations/x/y/z", "/api", "/api/", "/api/tasks"})
    void unknownApiPathIs404(String path) {
        assertError(http.get(path), 404, "not_found");
    }

    @Test
    void wrongMethodIs405() {
        assertError(
                http.request("PUT", "/api/conversations", "application/json", "{}".getBytes()),
                405,
                "method_not_allowed");
        assertError(http.delete("/api/tasks/" + MISSING), 405, "method_not_allowed");
        assertError(http.post("/api/health", "{}"), 405, "method_not_allowed");
        assertError(http.request("PUT", "/api/events", null, null), 405, "method_not_allowed");
        assertError(http.get("/api/tasks/" + MISSING + "/cancel"), 405, "method_not_allowed");
    }

    @Test
    void tooLongTitleIs400() {
        assertError(http.post("/api/conversations", Map.of("title", "t".repeat(201))), 400, "invalid_request");
        assertThat(http.post("/api/conversations", Map.of("title", "t".repeat(200)))
                        .status())
                .isEqualTo(201);
    }
}
