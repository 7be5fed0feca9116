// The worker API of protocol.md ("Workers"): claim, heartbeat, complete, fail. Built on the
// client's HTTP layer (LanechatHttp): the same mapper, error parser, exceptions and encoded paths.
package dev.lanechat.client.worker;

import dev.lanechat.client.LanechatApiException;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client of the worker API of one Lanechat server. Thread-safe. A refusal (401, 404, 400, a
 * 409 on claim) throws {@link LanechatApiException}, no answer {@code
 * LanechatConnectionException}; a lost lease on a leased call is the checked {@link LeaseLost}.
 */
public final class WorkerApi {
    /** A claimed task: what to answer, and the lease that holds it. */
    public record Claimed(
            String taskId,
            String leaseId,
            Instant leaseExpiresAt,
            String content,
            String conversationId,
            List<Turn> history,
            List<InFile> files) {
        public Claimed {
            history = history == null ? List.of() : List.copyOf(history);
            files = files == null ? List.of() : List.copyOf(files);
        }

        /** A claim without attachments. */
        public Claimed(
                String taskId,
                String leaseId,
                Instant leaseExpiresAt,
                String content,
                String conversationId,
                List<Turn> history) {
            this(taskId, leaseId, leaseExpiresAt, content, conversationId, history, List.of());
        }
    }

    /**
     * A file attached to the claimed task's message (protocol.md E14); its bytes come from
     * {@link #download} while the task is held. {@code kind} is "text" or "image".
     */
    public record InFile(String id, String name, String contentType, long size, String kind, String url) {}

    /** One earlier message of the conversation. */
    public record Turn(String role, String content) {}

    /** A file of an answer. */
    public record OutFile(String name, String contentType, byte[] data) {}

    /** The lease was lost (409): the task was cancelled, expired or ended; drop it. */
    public static final class LeaseLost extends Exception {
        private static final long serialVersionUID = 1L;

        LeaseLost(LanechatApiException conflict) {
            super(conflict.getMessage(), conflict, false, false);
        }
    }

    /** The answer of a heartbeat. */
    private record Lease(Instant leaseExpiresAt) {}

    /** Longer than any wait_s the server allows, so a long poll is never cut short by us. */
    private static final Duration CLAIM_MARGIN = Duration.ofSeconds(30);

    private final LanechatHttp http;

    /** @param client the server, token and HTTP connection pool to use */
    public WorkerApi(LanechatClient client) {
        this.http = client.http();
    }

    /**
     * @param base the server, e.g. http://127.0.0.1:8080
     * @param token a worker token (token mode), or null (open mode)
     */
    public WorkerApi(URI base, String token) {
        this(LanechatClient.builder()
                .url(base.toString())
                .token(token)
                .connectTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(60))
                .build());
    }

    /** @return the server's base URL */
    public URI base() {
        return http.baseUrl();
    }

    /** Claims a task of {@code lane}, waiting up to {@code waitS} seconds; empty on 204. */
    public Optional<Claimed> claim(String lane, int waitS) {
        HttpRequest req = http.post(
                        "/api/lanes/" + LanechatHttp.segment(lane) + "/claim?wait_s=" + waitS, Map.of(), null)
                .timeout(Duration.ofSeconds(Math.max(0, waitS)).plus(CLAIM_MARGIN))
                .build();
        return Optional.ofNullable(LanechatHttp.join(http.call(req, Claimed.class, 200, 204)));
    }

    /**
     * {@code GET /api/tasks/{task_id}/files/{file_id}} (its {@code url}): the bytes of a file of a
     * task this worker holds; a 404 {@link LanechatApiException} once the task has ended.
     */
    public byte[] download(InFile file) {
        return LanechatHttp.join(http.bytes(http.get(file.url())));
    }

    /** Renews the lease; returns its new deadline. */
    public Instant heartbeat(Claimed task) throws LeaseLost {
        return leased(task, "heartbeat", Map.of("lease_id", task.leaseId()), Lease.class)
                .leaseExpiresAt();
    }

    /** Completes the task with its answer. */
    public void complete(Claimed task, String content, String model, double costUsd, List<OutFile> files)
            throws LeaseLost {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lease_id", task.leaseId());
        body.put("content", content);
        body.put("model", model);
        body.put("cost_usd", costUsd);
        List<Map<String, String>> out = new ArrayList<>();
        for (OutFile f : files) {
            out.add(Map.of(
                    "name", f.name(),
                    "content_type", f.contentType(),
                    "content_base64", Base64.getEncoder().encodeToString(f.data())));
        }
        body.put("files", out);
        leased(task, "complete", body, null);
    }

    /** Fails the task; with {@code retry} it goes back to the queue (if attempts are left). */
    public void fail(Claimed task, String error, boolean retry) throws LeaseLost {
        leased(task, "fail", Map.of("lease_id", task.leaseId(), "error", error, "retry", retry), null);
    }

    /** A call under the task's lease: a 409 means the lease is gone. */
    private <T> T leased(Claimed task, String action, Object body, Class<T> answer) throws LeaseLost {
        String path = "/api/tasks/" + LanechatHttp.segment(task.taskId()) + "/" + action;
        HttpRequest req = http.post(path, body, null).build();
        try {
            if (answer == null) {
                LanechatHttp.join(http.exchange(req, 200));
                return null;
            }
            return LanechatHttp.join(http.call(req, answer, 200));
        } catch (LanechatApiException e) {
            if (e.status() == 409) {
                throw new LeaseLost(e);
            }
            throw e;
        }
    }
}
