// The client's HTTP layer, shared by LanechatClient's typed calls and the worker API: one mapper,
// requests with the bearer token, URL-encoded path segments, answers decoded or turned into the
// protocol's errors (LanechatApiException, with Retry-After read by RetryAfter) and network
// failures into LanechatConnectionException.
package dev.lanechat.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Low-level calls to one Lanechat server; get it from {@link LanechatClient#http()}. Most code
 * wants {@link LanechatClient}'s typed methods instead. Thread-safe.
 */
public final class LanechatHttp {
    private final URI baseUrl;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration requestTimeout;
    /** What a Retry-After date is measured against. */
    private final Clock clock;

    LanechatHttp(URI baseUrl, String token, HttpClient http, ObjectMapper json, Duration requestTimeout, Clock clock) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.http = http;
        this.json = json;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** @return the server's base URL, without a trailing slash */
    public URI baseUrl() {
        return baseUrl;
    }

    /** @return the bearer token, or null in open mode */
    public String token() {
        return token;
    }

    /** @return the mapper every request and answer goes through */
    public ObjectMapper mapper() {
        return json;
    }

    /** @return the JDK HTTP client underneath */
    public HttpClient httpClient() {
        return http;
    }

    /**
     * @param value an id or a name to put in a path
     * @return it percent-encoded as one path segment (a space as {@code %20}, {@code /} as {@code %2F})
     */
    public static String segment(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value, "path segment"), StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /**
     * @param path the path and query after the base URL; encode variable parts with {@link #segment}
     * @return a request with the token, {@code Accept: application/json} and the default timeout
     */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** @return a GET of {@code path} */
    public HttpRequest get(String path) {
        return request(path).GET().build();
    }

    /**
     * @param body written as JSON with the shared mapper
     * @param idempotencyKey sent as {@code Idempotency-Key}, or null
     * @return a POST request builder (set a longer timeout on it for a long poll)
     */
    public HttpRequest.Builder post(String path, Object body, String idempotencyKey) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(write(body)));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return b;
    }

    /** See {@link #call(HttpRequest, JavaType, int...)}. */
    public <T> CompletableFuture<T> call(HttpRequest req, Class<T> type, int... okStatuses) {
        return call(req, json.constructType(type), okStatuses);
    }

    /** See {@link #call(HttpRequest, JavaType, int...)}. */
    public <T> CompletableFuture<T> call(HttpRequest req, TypeReference<T> type, int... okStatuses) {
        return call(req, json.constructType(type), okStatuses);
    }

    /**
     * Sends, and maps the answer: a listed status (default 200 and 201) decodes as {@code type}
     * (null for an empty body or a null type); any other fails with {@link LanechatApiException};
     * no answer fails with {@link LanechatConnectionException}.
     */
    public <T> CompletableFuture<T> call(HttpRequest req, JavaType type, int... okStatuses) {
        int[] ok = okStatuses.length == 0 ? new int[] {200, 201} : okStatuses;
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((resp, err) -> {
                    if (err != null) {
                        throw connectionFailure(err);
                    }
                    for (int s : ok) {
                        if (s == resp.statusCode()) {
                            return decode(resp.body(), type, resp.statusCode());
                        }
                    }
                    throw apiError(resp.statusCode(), resp.body(), resp);
                });
    }

    /** Like {@link #call}, for an answer whose body does not matter. */
    public CompletableFuture<Void> exchange(HttpRequest req, int... okStatuses) {
        return call(req, (JavaType) null, okStatuses);
    }

    /** Like {@link #call}, for a 200 answer's raw bytes (a file). */
    public CompletableFuture<byte[]> bytes(HttpRequest req) {
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).handle((resp, err) -> {
            if (err != null) {
                throw connectionFailure(err);
            }
            if (resp.statusCode() != 200) {
                throw apiError(resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8), resp);
            }
            return resp.body();
        });
    }

    /** Waits for a call and rethrows its failure as the unchecked exception it carries. */
    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new LanechatException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new LanechatException("interrupted", e);
        }
    }

    private byte[] write(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new LanechatException("cannot encode request body: " + e.getMessage(), e);
        }
    }

    private <T> T decode(String body, JavaType type, int status) {
        if (type == null || body == null || body.isEmpty()) {
            return null;
        }
        try {
            return json.readValue(body, type);
        } catch (IOException e) {
            throw new LanechatException(
                    "unexpected answer from Lanechat at " + baseUrl + " (HTTP " + status + "): " + e.getMessage(), e);
        }
    }

    /** The one reader of the protocol's error body {@code {"error":{"code","message"}}}. */
    private LanechatApiException apiError(int status, String body, HttpResponse<?> resp) {
        String code = "http_" + status;
        String message = "HTTP " + status + " from " + resp.request().uri().getPath();
        try {
            JsonNode error = json.readTree(body == null ? "" : body).path("error");
            if (error.hasNonNull("code")) {
                code = error.get("code").asText();
            }
            if (error.hasNonNull("message")) {
                message = error.get("message").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // Keep the generic message: a proxy in front of the server may answer in HTML.
        }
        Duration retryAfter = RetryAfter.parse(
                        resp.headers().firstValue("Retry-After").orElse(null), clock.instant())
                .orElse(null);
        return new LanechatApiException(status, code, message, retryAfter);
    }

    private RuntimeException connectionFailure(Throwable err) {
        Throwable cause = Failures.unwrap(err);
        if (cause instanceof LanechatException le) {
            return le;
        }
        return new LanechatConnectionException("cannot reach Lanechat at " + baseUrl + ": " + reason(cause), cause);
    }

    /** A short reason for people: the JDK often leaves the message of a refused connect empty. */
    private static String reason(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        String why = cause.getMessage();
        if (why != null && !why.isBlank()) {
            return why;
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return cause.getCause() != null
                ? reason(cause.getCause())
                : cause.getClass().getSimpleName();
    }
}
