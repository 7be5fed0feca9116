package dev.lanechat.server.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small HTTP client of the API. Every answer it gets is checked against the contract's general
 * rules: never a 5xx, and every non-2xx answer of {@code /api} has the error body with the code
 * that belongs to its status.
 */
public final class Http {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Integer, String> CODES = Map.of(
            400,
            "invalid_request",
            401,
            "unauthenticated",
            403,
            "forbidden",
            404,
            "not_found",
            405,
            "method_not_allowed",
            409,
            "conflict",
            410,
            "reset",
            413,
            "payload_too_large",
            415,
            "unsupported_media_type",
            429,
            "rate_limited");
    private static final Set<String> TERMINAL = Set.of("completed", "failed");

    private final URI base;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String[] defaultHeaders;

    public Http(URI base) {
        this(base, new String[0]);
    }

    private Http(URI base, String[] defaultHeaders) {
        this.base = base;
        this.defaultHeaders = defaultHeaders;
    }

    /** A client of the same server that sends these header pairs with every request (e.g. a Cookie). */
    public Http withHeaders(String... headers) {
        return new Http(base, headers);
    }

    /** A client of the same server that sends {@code Authorization: Bearer <token>} (token mode). */
    public Http withBearer(String token) {
        return withHeaders("Authorization", "Bearer " + token);
    }

    public URI base() {
        return base;
    }

    /** One answer: status, headers and the raw bytes. */
    public record Response(int status, HttpHeaders headers, byte[] bytes) {
        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body(), e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String path) {
        return request("GET", path, null, null);
    }

    public Response delete(String path) {
        return request("DELETE", path, null, null);
    }

    /** POSTs {@code body} (a Map, a record… or a String already in JSON) as application/json. */
    public Response post(String path, Object body, String... headers) {
        return request("POST", path, "application/json", bytes(body), headers);
    }

    /** Any method, any content type (null: none), any bytes (null: no body), extra header pairs. */
    public Response request(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(40))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < defaultHeaders.length; i += 2) {
            request.header(defaultHeaders[i], defaultHeaders[i + 1]);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> answer;
        try {
            answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Response response = new Response(answer.statusCode(), answer.headers(), answer.body());
        checkContract(method, path, response);
        return response;
    }

    private static void checkContract(String method, String path, Response r) {
        String what = method + " " + path + " answered " + r.status() + ": " + r.body();
        assertThat(r.status()).as(what).isLessThan(500);
        if (r.status() >= 400 && path.startsWith("/api")) {
            JsonNode error = r.json().path("error");
            assertThat(error.path("code").isTextual()).as(what).isTrue();
            assertThat(error.path("message").asText()).as(what).isNotBlank();
            if (r.status() == 429 && "quota_exceeded".equals(error.path("code").asText())) {
                return; // 429's second code (issue 20): a quota used up, not a rate
            }
            assertThat(error.path("code").asText()).as(what).isEqualTo(CODES.get(r.status()));
        }
    }

    /** Asserts an error answer: its status and the contract's code (the body shape is checked for every answer). */
    public static void assertError(Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
    }

    public static byte[] bytes(Object body) {
        try {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // The calls most tests make.

    public JsonNode createConversation() {
        Response r = post("/api/conversations", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    /** Sends {@code content} and asserts the 202. */
    public JsonNode send(String conversationId, String content, String... headers) {
        Response r = post("/api/conversations/" + conversationId + "/messages", Map.of("content", content), headers);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json();
    }

    public JsonNode task(String taskId) {
        Response r = get("/api/tasks/" + taskId);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Polls the task until it completed or failed; returns it. */
    public JsonNode awaitTaskEnd(String taskId) {
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(25))
                .until(
                        () -> task(taskId),
                        t -> TERMINAL.contains(t.path("status").asText()));
    }

    public JsonNode conversation(String id) {
        Response r = get("/api/conversations/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** {@code GET /api/events?after=N}, asserting 200. */
    public JsonNode events(long after) {
        Response r = get("/api/events?after=" + after);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** The user's whole event log, oldest first, read page by page from {@code after=0}. */
    public List<JsonNode> wholeEventLog() {
        List<JsonNode> log = new ArrayList<>();
        long cursor = 0;
        while (true) {
            JsonNode page = events(cursor);
            page.path("events").forEach(log::add);
            if (page.path("events").isEmpty()) {
                return log;
            }
            cursor = page.path("last_id").asLong();
        }
    }

    /** Waits until the user's newest event id is at least {@code id}. */
    public void awaitEvents(long id) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> events(0).path("last_id").asLong() >= id);
    }
}
