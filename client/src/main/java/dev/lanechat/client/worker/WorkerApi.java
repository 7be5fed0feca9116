// The worker API of protocol.md ("Workers") over java.net.http: claim, heartbeat, complete, fail.
package dev.lanechat.client.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A client of the worker API of one Lanechat server. Thread-safe. */
public final class WorkerApi {
  /** A claimed task: what to answer, and the lease that holds it. */
  public record Claimed(
      String taskId,
      String leaseId,
      Instant leaseExpiresAt,
      String content,
      String conversationId,
      List<Turn> history) {}

  /** One earlier message of the conversation. */
  public record Turn(String role, String content) {}

  /** A file of an answer. */
  public record OutFile(String name, String contentType, byte[] data) {}

  /** The lease was lost (409): the task was cancelled, expired or ended; drop it. */
  public static final class LeaseLost extends Exception {
    LeaseLost(String message) {
      super(message, null, false, false);
    }
  }

  /** The server answered an error the worker cannot work around (401, 404, 400, another 409). */
  public static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * @param base the server, e.g. http://127.0.0.1:8080
   * @param token a worker token (token mode), or null (open mode)
   */
  public WorkerApi(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  public URI base() {
    return base;
  }

  /** Claims a task of {@code lane}, waiting up to {@code waitS} seconds; empty on 204. */
  public Optional<Claimed> claim(String lane, int waitS) throws IOException, InterruptedException {
    HttpResponse<String> r =
        post("/api/lanes/" + lane + "/claim?wait_s=" + waitS, "{}", Duration.ofSeconds(waitS + 30L));
    if (r.statusCode() == 204) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new Refused(r.statusCode(), errorMessage(r));
    }
    JsonNode n = JSON.readTree(r.body());
    List<Turn> history = new ArrayList<>();
    n.path("history").forEach(t -> history.add(new Turn(t.path("role").asText(), t.path("content").asText())));
    return Optional.of(
        new Claimed(
            n.path("task_id").asText(),
            n.path("lease_id").asText(),
            Instant.parse(n.path("lease_expires_at").asText()),
            n.path("content").asText(),
            n.path("conversation_id").asText(),
            history));
  }

  /** Renews the lease; returns its new deadline. */
  public Instant heartbeat(Claimed task) throws IOException, InterruptedException, LeaseLost {
    HttpResponse<String> r =
        post("/api/tasks/" + task.taskId() + "/heartbeat", body(Map.of("lease_id", task.leaseId())), null);
    check(r);
    return Instant.parse(JSON.readTree(r.body()).path("lease_expires_at").asText());
  }

  public void complete(Claimed task, String content, String model, double costUsd, List<OutFile> files)
      throws IOException, InterruptedException, LeaseLost {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lease_id", task.leaseId());
    body.put("content", content);
    body.put("model", model);
    body.put("cost_usd", costUsd);
    List<Map<String, String>> out = new ArrayList<>();
    for (OutFile f : files) {
      out.add(
          Map.of(
              "name", f.name(),
              "content_type", f.contentType(),
              "content_base64", Base64.getEncoder().encodeToString(f.data())));
    }
    body.put("files", out);
    check(post("/api/tasks/" + task.taskId() + "/complete", body(body), null));
  }

  /** Fails the task; with {@code retry} it goes back to the queue (if attempts are left). */
  public void fail(Claimed task, String error, boolean retry)
      throws IOException, InterruptedException, LeaseLost {
    check(
        post(
            "/api/tasks/" + task.taskId() + "/fail",
            body(Map.of("lease_id", task.leaseId(), "error", error, "retry", retry)),
            null));
  }

  private static void check(HttpResponse<String> r) throws LeaseLost {
    if (r.statusCode() == 409) {
      throw new LeaseLost(errorMessage(r));
    }
    if (r.statusCode() != 200) {
      throw new Refused(r.statusCode(), errorMessage(r));
    }
  }

  private HttpResponse<String> post(String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout != null ? timeout : Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String body(Object value) throws IOException {
    return JSON.writeValueAsString(value);
  }

  private static String errorMessage(HttpResponse<String> r) {
    try {
      String message = JSON.readTree(r.body()).path("error").path("message").asText("");
      if (!message.isBlank()) {
        return message + " (HTTP " + r.statusCode() + ")";
      }
    } catch (IOException | RuntimeException notJson) {
      // fall through
    }
    return "HTTP " + r.statusCode();
  }
}
