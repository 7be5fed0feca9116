// What each of LanechatClient's typed calls sends: its method, path, query and JSON body, built on
// LanechatHttp's requests (token, headers, timeout). LanechatClient says what comes back.
package dev.lanechat.client;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

final class ApiRequests {
    private final LanechatHttp http;
    private final Duration requestTimeout;

    ApiRequests(LanechatHttp http, Duration requestTimeout) {
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    HttpRequest health() {
        return http.get("/api/health");
    }

    HttpRequest lanes() {
        return http.get("/api/lanes");
    }

    HttpRequest conversations() {
        return http.get("/api/conversations");
    }

    HttpRequest createConversation(String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (title != null) {
            body.put("title", title);
        }
        return post("/api/conversations", body, null);
    }

    HttpRequest conversation(String id) {
        return http.get(conversationPath(id));
    }

    HttpRequest deleteConversation(String id) {
        return http.request(conversationPath(id)).DELETE().build();
    }

    /** @param attachments upload ids, or null or empty for none */
    HttpRequest sendMessage(
            String conversationId, String content, String lane, String idempotencyKey, List<String> attachments) {
        Map<String, Object> body = contentAndLane(content, lane);
        if (attachments != null && !attachments.isEmpty()) {
            body.put("attachments", List.copyOf(attachments));
        }
        return post(conversationPath(conversationId) + "/messages", body, idempotencyKey);
    }

    HttpRequest regenerate(String conversationId, String messageId, String lane, String idempotencyKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (lane != null) {
            body.put("lane", lane);
        }
        return post(messagePath(conversationId, messageId) + "/regenerate", body, idempotencyKey);
    }

    HttpRequest editMessage(
            String conversationId, String messageId, String content, String lane, String idempotencyKey) {
        return post(messagePath(conversationId, messageId) + "/edit", contentAndLane(content, lane), idempotencyKey);
    }

    HttpRequest switchTo(String conversationId, String messageId) {
        return post(conversationPath(conversationId) + "/switch", Map.of("message_id", messageId), null);
    }

    /** @param contentType the media type, or null for application/octet-stream */
    HttpRequest uploadFile(String name, String contentType, byte[] data) {
        return http.request("/api/uploads?name="
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
                .header("Content-Type", contentType == null ? "application/octet-stream" : contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(data))
                .build();
    }

    HttpRequest task(String taskId) {
        return http.get(taskPath(taskId));
    }

    HttpRequest cancelTask(String taskId) {
        return post(taskPath(taskId) + "/cancel", Map.of(), null);
    }

    /** A long poll: its timeout is the request timeout plus the wait. */
    HttpRequest events(long after, int waitSeconds) {
        return http.request("/api/events?after=" + after + "&wait_s=" + waitSeconds)
                .timeout(requestTimeout.plusSeconds(Math.max(0, waitSeconds)))
                .GET()
                .build();
    }

    HttpRequest downloadFile(String fileId) {
        return http.get("/api/files/" + LanechatHttp.segment(fileId));
    }

    private HttpRequest post(String path, Object body, String idempotencyKey) {
        return http.post(path, body, idempotencyKey).build();
    }

    private static Map<String, Object> contentAndLane(String content, String lane) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("content", Objects.requireNonNull(content, "content"));
        if (lane != null) {
            body.put("lane", lane);
        }
        return body;
    }

    private static String conversationPath(String id) {
        return "/api/conversations/" + LanechatHttp.segment(id);
    }

    private static String messagePath(String conversationId, String messageId) {
        return conversationPath(conversationId) + "/messages/" + LanechatHttp.segment(messageId);
    }

    private static String taskPath(String taskId) {
        return "/api/tasks/" + LanechatHttp.segment(taskId);
    }
}
