// The typed client of protocol.md's HTTP API: one method per call, wire objects as records,
// non-2xx answers as LanechatApiException, network failures as LanechatConnectionException.
package dev.lanechat.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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

  private final URI baseUrl;
  private final String token;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Duration requestTimeout;

  private LanechatClient(Builder b) {
    this.baseUrl = b.baseUrl;
    this.token = b.token;
    this.http = b.http != null ? b.http : defaultHttpClient(b.connectTimeout);
    this.json = b.json != null ? b.json : Json.newMapper();
    this.requestTimeout = b.requestTimeout;
  }

  /** @return a builder; the URL defaults to {@code http://127.0.0.1:8080} */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the server's base URL, without a trailing slash */
  public URI url() {
    return baseUrl;
  }

  /** @return the bearer token, or null in open mode */
  public String token() {
    return token;
  }

  /** @return the mapper this client reads and writes JSON with */
  public ObjectMapper mapper() {
    return json;
  }

  /** @return the JDK HTTP client underneath, which the stream reuses for its WebSocket */
  public HttpClient httpClient() {
    return http;
  }

  /**
   * The WebSocket URL that matches this API: {@code /ws} on the same origin, {@code ws://} for
   * {@code http://} and {@code wss://} for {@code https://}.
   *
   * @return the stream URL
   */
  public URI webSocketUrl() {
    String scheme = "https".equalsIgnoreCase(baseUrl.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + baseUrl.toString().substring(baseUrl.getScheme().length()) + "/ws");
  }

  // ---- calls -------------------------------------------------------------------------------

  /** {@code GET /api/health}. A 503 "degraded" answer is returned, not thrown. */
  public Health health() {
    return join(healthAsync());
  }

  /** Async {@link #health()}. */
  public CompletableFuture<Health> healthAsync() {
    return call(get("/api/health"), type(Health.class), 200, 503);
  }

  /** {@code GET /api/lanes}. */
  public List<Lane> lanes() {
    return join(call(get("/api/lanes"), new TypeReference<List<Lane>>() {}));
  }

  /** {@code GET /api/conversations}, most recently active first. */
  public List<Conversation> conversations() {
    return join(call(get("/api/conversations"), new TypeReference<List<Conversation>>() {}));
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
    Map<String, Object> body = new LinkedHashMap<>();
    if (title != null) {
      body.put("title", title);
    }
    return call(post("/api/conversations", body, null), type(Conversation.class));
  }

  /** {@code GET /api/conversations/{id}}, with its messages oldest first. */
  public Conversation conversation(String id) {
    return join(call(get("/api/conversations/" + seg(id)), type(Conversation.class)));
  }

  /** {@code DELETE /api/conversations/{id}}; cancels its unfinished tasks. */
  public void deleteConversation(String id) {
    join(call(request("/api/conversations/" + seg(id)).DELETE().build(), null, 204));
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
  public SendReceipt sendMessage(
      String conversationId, String content, String lane, String idempotencyKey) {
    return join(sendMessageAsync(conversationId, content, lane, idempotencyKey));
  }

  /** Async {@link #sendMessage(String, String, String, String)}. */
  public CompletableFuture<SendReceipt> sendMessageAsync(
      String conversationId, String content, String lane, String idempotencyKey) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("content", Objects.requireNonNull(content, "content"));
    if (lane != null) {
      body.put("lane", lane);
    }
    String path = "/api/conversations/" + seg(conversationId) + "/messages";
    return call(post(path, body, idempotencyKey), type(SendReceipt.class), 200, 201, 202);
  }

  /** {@code GET /api/tasks/{id}}: the polling endpoint. */
  public Task task(String taskId) {
    return join(taskAsync(taskId));
  }

  /** Async {@link #task(String)}. */
  public CompletableFuture<Task> taskAsync(String taskId) {
    return call(get("/api/tasks/" + seg(taskId)), type(Task.class));
  }

  /** {@code POST /api/tasks/{id}/cancel}; a 409 {@code conflict} when it had already ended. */
  public Task cancelTask(String taskId) {
    return join(call(post("/api/tasks/" + seg(taskId) + "/cancel", Map.of(), null), type(Task.class)));
  }

  /**
   * {@code GET /api/events?after=N&wait_s=M}: the user's events after {@code after}, waiting up
   * to {@code waitSeconds} (≤ 30) while there are none. A 410 {@code reset} means {@code after}
   * is outside what the server keeps.
   */
  public EventPage events(long after, int waitSeconds) {
    HttpRequest req =
        request("/api/events?after=" + after + "&wait_s=" + waitSeconds)
            .timeout(requestTimeout.plusSeconds(Math.max(0, waitSeconds)))
            .GET()
            .build();
    return join(call(req, type(EventPage.class)));
  }

  /** {@code GET /api/files/{id}}: the file's bytes. */
  public byte[] downloadFile(String fileId) {
    HttpRequest req = request("/api/files/" + seg(fileId)).GET().build();
    CompletableFuture<byte[]> bytes =
        http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
            .handle(
                (resp, err) -> {
                  if (err != null) {
                    throw connectionFailure(err);
                  }
                  if (resp.statusCode() != 200) {
                    throw apiError(resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8), resp);
                  }
                  return resp.body();
                });
    return join(bytes);
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest post(String path, Object body, String idempotencyKey) {
    HttpRequest.Builder b =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(write(body)));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return b.build();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private byte[] write(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new LanechatException("cannot encode request body: " + e.getMessage(), e);
    }
  }

  private JavaType type(Class<?> c) {
    return json.constructType(c);
  }

  private <T> CompletableFuture<T> call(HttpRequest req, TypeReference<T> ref) {
    return call(req, json.constructType(ref));
  }

  /** Sends, and maps the answer: listed statuses decode as {@code type}, others throw. */
  private <T> CompletableFuture<T> call(HttpRequest req, JavaType type, int... okStatuses) {
    int[] ok = okStatuses.length == 0 ? new int[] {200, 201} : okStatuses;
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle(
            (resp, err) -> {
              if (err != null) {
                throw connectionFailure(err);
              }
              int status = resp.statusCode();
              for (int s : ok) {
                if (s == status) {
                  return decode(resp.body(), type, status);
                }
              }
              throw apiError(status, resp.body(), resp);
            });
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
    Duration retryAfter =
        resp.headers()
            .firstValue("Retry-After")
            .flatMap(LanechatClient::seconds)
            .orElse(null);
    return new LanechatApiException(status, code, message, retryAfter);
  }

  private static java.util.Optional<Duration> seconds(String header) {
    try {
      return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
    } catch (NumberFormatException httpDate) {
      return java.util.Optional.empty();
    }
  }

  private RuntimeException connectionFailure(Throwable err) {
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof LanechatException le) {
      return le;
    }
    return new LanechatConnectionException("cannot reach Lanechat at " + baseUrl + ": " + reason(cause), cause);
  }

  /** A short reason for people: the JDK often leaves the message of a refused connect empty. */
  private static String reason(Throwable cause) {
    if (cause instanceof java.net.http.HttpConnectTimeoutException) {
      return "connection timed out";
    }
    if (cause instanceof java.net.http.HttpTimeoutException) {
      return "no answer in time";
    }
    String why = cause.getMessage();
    if (why != null && !why.isBlank()) {
      return why;
    }
    if (cause instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return cause.getCause() != null ? reason(cause.getCause()) : cause.getClass().getSimpleName();
  }

  /** Waits for an async call and rethrows its failure as the unchecked exception it carries. */
  private static <T> T join(CompletableFuture<T> f) {
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

  private static String seg(String id) {
    return URLEncoder.encode(Objects.requireNonNull(id, "id"), StandardCharsets.UTF_8).replace("+", "%20");
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

    private Builder() {}

    /** @param url the server's base URL, e.g. {@code http://127.0.0.1:8080} */
    public Builder url(String url) {
      String u = Objects.requireNonNull(url, "url").trim();
      while (u.endsWith("/")) {
        u = u.substring(0, u.length() - 1);
      }
      URI parsed = URI.create(u);
      if (parsed.getScheme() == null
          || !(parsed.getScheme().equalsIgnoreCase("http") || parsed.getScheme().equalsIgnoreCase("https"))
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

    /** @return the client */
    public LanechatClient build() {
      return new LanechatClient(this);
    }
  }
}
