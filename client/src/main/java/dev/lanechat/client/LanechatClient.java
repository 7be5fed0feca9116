// The typed client of protocol.md's HTTP API: one method per call, wire objects as records,
// non-2xx answers as LanechatApiException, network failures as LanechatConnectionException.
// What each call sends is ApiRequests'; the HTTP itself (requests, mapper, error body,
// Retry-After) is LanechatHttp's.
// Over 300 lines: the public face of that API, one method per protocol call with its javadoc (a
// third of the file), and the builder; the work each method does is one line.
package dev.lanechat.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A client of a Lanechat server's HTTP API. Thread-safe; build one per server with {@link
 * #builder()}. Every blocking method has the same semantics as its {@code …Async} twin, which
 * completes exceptionally with the same exceptions.
 *
 * <pre>{@code
 * LanechatClient api = LanechatClient.builder().url("http://127.0.0.1:8080").build();
 * Conversation c = api.createConversation(null);
 * SendReceipt r = api.sendMessage(c.id(), "hello", null, null);
 * Task t = api.task(r.taskId());
 * }</pre>
 */
public final class LanechatClient {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The statuses a send, a regenerate and an edit succeed with. */
    private static final int[] SEND_OK = {200, 201, 202};

    private final LanechatHttp http;
    private final ApiRequests requests;

    private LanechatClient(Builder b) {
        this.http = new LanechatHttp(
                b.baseUrl,
                b.token,
                b.http != null ? b.http : defaultHttpClient(b.connectTimeout),
                b.json != null ? b.json : Json.newMapper(),
                b.requestTimeout,
                b.clock);
        this.requests = new ApiRequests(http, b.requestTimeout);
    }

    /** @return a builder; the URL defaults to {@code http://127.0.0.1:8080} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the server's base URL, without a trailing slash */
    public URI url() {
        return http.baseUrl();
    }

    /** @return the bearer token, or null in open mode */
    public String token() {
        return http.token();
    }

    /** @return the mapper this client reads and writes JSON with */
    public ObjectMapper mapper() {
        return http.mapper();
    }

    /** @return the JDK HTTP client underneath, which the stream reuses for its WebSocket */
    public HttpClient httpClient() {
        return http.httpClient();
    }

    /** @return the HTTP layer underneath, for calls this class has no method for (the worker API) */
    public LanechatHttp http() {
        return http;
    }

    /**
     * The WebSocket URL that matches this API: {@code /ws} on the same origin, {@code ws://} for
     * {@code http://} and {@code wss://} for {@code https://}.
     *
     * @return the stream URL
     */
    public URI webSocketUrl() {
        URI baseUrl = http.baseUrl();
        String scheme = "https".equalsIgnoreCase(baseUrl.getScheme()) ? "wss" : "ws";
        return URI.create(
                scheme + baseUrl.toString().substring(baseUrl.getScheme().length()) + "/ws");
    }

    // ---- calls -------------------------------------------------------------------------------

    /** {@code GET /api/health}. A 503 "degraded" answer is returned, not thrown. */
    public Health health() {
        return join(healthAsync());
    }

    /** Async {@link #health()}. */
    public CompletableFuture<Health> healthAsync() {
        return http.call(requests.health(), Health.class, 200, 503);
    }

    /** {@code GET /api/lanes}. */
    public List<Lane> lanes() {
        return join(http.call(requests.lanes(), new TypeReference<List<Lane>>() {}));
    }

    /** {@code GET /api/conversations}, most recently active first. */
    public List<Conversation> conversations() {
        return join(http.call(requests.conversations(), new TypeReference<List<Conversation>>() {}));
    }

    /**
     * {@code POST /api/conversations}.
     *
     * @param title the title, or null to let the server choose
     * @return the new conversation
     */
    public Conversation createConversation(String title) {
        return join(createConversationAsync(title));
    }

    /** Async {@link #createConversation(String)}. */
    public CompletableFuture<Conversation> createConversationAsync(String title) {
        return http.call(requests.createConversation(title), Conversation.class);
    }

    /** {@code GET /api/conversations/{id}}, with its messages oldest first. */
    public Conversation conversation(String id) {
        return join(http.call(requests.conversation(id), Conversation.class));
    }

    /** {@code DELETE /api/conversations/{id}}; cancels its unfinished tasks. */
    public void deleteConversation(String id) {
        join(http.exchange(requests.deleteConversation(id), 204));
    }

    /**
     * {@code POST /api/conversations/{id}/messages}.
     *
     * @param conversationId the conversation
     * @param content the message text (at most 32 KiB)
     * @param lane the lane, or null for the default lane
     * @param idempotencyKey a key that makes a retry safe, or null
     * @return the receipt, usually {@code queued}
     */
    public SendReceipt sendMessage(String conversationId, String content, String lane, String idempotencyKey) {
        return join(sendMessageAsync(conversationId, content, lane, idempotencyKey));
    }

    /** Async {@link #sendMessage(String, String, String, String)}. */
    public CompletableFuture<SendReceipt> sendMessageAsync(
            String conversationId, String content, String lane, String idempotencyKey) {
        return http.call(
                requests.sendMessage(conversationId, content, lane, idempotencyKey, null), SendReceipt.class, SEND_OK);
    }

    /**
     * {@code POST /api/conversations/{id}/messages/{message_id}/regenerate} (protocol E12): a new
     * answer beside the assistant message {@code messageId} (or under the user message {@code
     * messageId}), which becomes the end of the conversation's chosen path. A 409 {@code conflict}
     * while that answer is still being written.
     *
     * @param lane the lane, or null for the default
     * @param idempotencyKey a key that makes a retry safe, or null
     * @return the receipt of the new answer's task
     */
    public SendReceipt regenerate(String conversationId, String messageId, String lane, String idempotencyKey) {
        return join(http.call(
                requests.regenerate(conversationId, messageId, lane, idempotencyKey), SendReceipt.class, SEND_OK));
    }

    /**
     * {@code POST /api/conversations/{id}/messages/{message_id}/edit} (protocol E12): a new version
     * of the user message {@code messageId} with {@code content}, and its answer; they become the
     * conversation's chosen path, what followed the old version stays on its own branch.
     *
     * @param lane the lane, or null for the default
     * @param idempotencyKey a key that makes a retry safe, or null
     * @return the receipt ({@link SendReceipt#userMessageId()} is the new version)
     */
    public SendReceipt editMessage(
            String conversationId, String messageId, String content, String lane, String idempotencyKey) {
        return join(http.call(
                requests.editMessage(conversationId, messageId, content, lane, idempotencyKey),
                SendReceipt.class,
                SEND_OK));
    }

    /**
     * {@code POST /api/conversations/{id}/switch} (protocol E12): chooses the path through {@code
     * messageId} (continued by the newest version at each step).
     *
     * @return the conversation along its new path (first page)
     */
    public Conversation switchTo(String conversationId, String messageId) {
        return join(http.call(requests.switchTo(conversationId, messageId), Conversation.class));
    }

    /**
     * {@link #sendMessage(String, String, String, String)} with uploads attached (protocol.md E14).
     *
     * @param attachments the ids of uploads ({@link #uploadFile}); at most 8, each used once
     */
    public SendReceipt sendMessage(
            String conversationId, String content, String lane, String idempotencyKey, List<String> attachments) {
        return join(http.call(
                requests.sendMessage(conversationId, content, lane, idempotencyKey, attachments),
                SendReceipt.class,
                SEND_OK));
    }

    /**
     * {@code POST /api/uploads?name=NAME} with the bytes as the body (protocol.md E14): the stored
     * upload, to attach to a send. A text file (≤ 1 MiB of UTF-8) or a PNG, JPEG, WebP or GIF image
     * (≤ 10 MiB); anything else is refused (415, 413 or 400, as a {@link LanechatApiException}).
     *
     * @param contentType the file's media type, or null for application/octet-stream (the server
     *     then goes by the bytes and the name's extension)
     */
    public FileInfo uploadFile(String name, String contentType, byte[] data) {
        return join(http.call(requests.uploadFile(name, contentType, data), FileInfo.class, 201));
    }

    /** {@link #uploadFile(String, String, byte[])} of a file on disk, named as it is, its type guessed from its name. */
    public FileInfo uploadFile(java.nio.file.Path file) {
        byte[] data;
        String type;
        try {
            data = java.nio.file.Files.readAllBytes(file);
            type = java.nio.file.Files.probeContentType(file);
        } catch (java.io.IOException e) {
            throw new LanechatException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return uploadFile(file.getFileName().toString(), type, data);
    }

    /** {@code GET /api/tasks/{id}}: the polling endpoint. */
    public Task task(String taskId) {
        return join(taskAsync(taskId));
    }

    /** Async {@link #task(String)}. */
    public CompletableFuture<Task> taskAsync(String taskId) {
        return http.call(requests.task(taskId), Task.class);
    }

    /** {@code POST /api/tasks/{id}/cancel}; a 409 {@code conflict} when it had already ended. */
    public Task cancelTask(String taskId) {
        return join(http.call(requests.cancelTask(taskId), Task.class));
    }

    /**
     * {@code GET /api/events?after=N&wait_s=M}: the user's events after {@code after}, waiting up
     * to {@code waitSeconds} (≤ 30) while there are none. A 410 {@code reset} means {@code after}
     * is outside what the server keeps.
     */
    public EventPage events(long after, int waitSeconds) {
        return join(http.call(requests.events(after, waitSeconds), EventPage.class));
    }

    /** {@code GET /api/files/{id}}: the file's bytes. */
    public byte[] downloadFile(String fileId) {
        return join(http.bytes(requests.downloadFile(fileId)));
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private static <T> T join(CompletableFuture<T> f) {
        return LanechatHttp.join(f);
    }

    private static HttpClient defaultHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Configures a {@link LanechatClient}. */
    public static final class Builder {
        private URI baseUrl = URI.create("http://127.0.0.1:8080");
        private String token;
        private HttpClient http;
        private ObjectMapper json;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = DEFAULT_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** @param url the server's base URL, e.g. {@code http://127.0.0.1:8080} */
        public Builder url(String url) {
            String u = Objects.requireNonNull(url, "url").trim();
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            URI parsed = URI.create(u);
            if (parsed.getScheme() == null
                    || !(parsed.getScheme().equalsIgnoreCase("http")
                            || parsed.getScheme().equalsIgnoreCase("https"))
                    || parsed.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL: " + url);
            }
            this.baseUrl = parsed;
            return this;
        }

        /** @param token an API token sent as {@code Authorization: Bearer}, or null for open mode */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token;
            return this;
        }

        /** @param http a JDK HTTP client to use instead of a new one */
        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        /** @param mapper a mapper configured like {@link Json#newMapper()} */
        public Builder mapper(ObjectMapper mapper) {
            this.json = mapper;
            return this;
        }

        /** @param timeout how long to wait for a TCP connection (default 5 s) */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** @param timeout how long to wait for an answer (default 30 s) */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** @param clock the clock a {@code Retry-After} date is measured against (tests) */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** @return the client */
        public LanechatClient build() {
            return new LanechatClient(this);
        }
    }
}
