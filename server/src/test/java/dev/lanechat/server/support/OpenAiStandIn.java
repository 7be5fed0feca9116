package dev.lanechat.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in OpenAI-compatible endpoint for tests: {@code POST /v1/chat/completions} answers from a
 * script of replies in the shapes OpenAI sends (chat.completion objects with usage, streams of
 * chat.completion.chunk server-sent events with the usage chunk and {@code [DONE]}, and its error
 * bodies), and records every request. With the script empty it answers one that echoes the last
 * message: streamed when the request asks for {@code "stream": true}, as OpenAI does.
 */
public final class OpenAiStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One scripted reply; {@code delayMs} holds the answer back (for timeouts and cancels). With
     * {@code events} it is a stream ({@code text/event-stream}): each event is written and flushed
     * after its own delay, and {@code body} is unused.
     */
    public record Reply(int status, Map<String, String> headers, String body, long delayMs, List<Event> events) {
        public Reply(int status, Map<String, String> headers, String body, long delayMs) {
            this(status, headers, body, delayMs, null);
        }
    }

    /** One server-sent event as written ({@code data: …} and the blank line), after {@code delayMs}. */
    public record Event(String text, long delayMs) {}

    /** A request as received. */
    public record Received(String path, Map<String, List<String>> headers, JsonNode body, long atNanos) {
        public String authorization() {
            List<String> values = headers.get("Authorization");
            return values == null ? null : values.get(0);
        }
    }

    private final HttpServer server;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Semaphore streamsCutOff = new Semaphore(0);

    public OpenAiStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base_url of this endpoint, e.g. {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public synchronized OpenAiStandIn then(Reply reply) {
        script.addLast(reply);
        return this;
    }

    public List<Received> received() {
        return received;
    }

    /** Whether a stream was cut off by the client (its connection closed before the last event) within {@code wait}. */
    public boolean awaitStreamCutOff(Duration wait) throws InterruptedException {
        return streamsCutOff.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized Reply next(JsonNode request) {
        Reply scripted = script.pollFirst();
        if (scripted != null) {
            return scripted;
        }
        String echo = "You said: " + lastContent(request);
        return request.path("stream").asBoolean(false)
                ? streamed(List.of(echo.substring(0, echo.length() / 2), echo.substring(echo.length() / 2)), 10, 5, 0)
                : completion(echo, 10, 5);
    }

    private void handle(HttpExchange exchange) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        } catch (IOException e) {
            body = JSON.nullNode();
        }
        received.add(new Received(
                exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime()));
        if (!exchange.getRequestURI().getPath().equals("/v1/chat/completions")) {
            send(
                    exchange,
                    404,
                    Map.of(),
                    error(
                            "Invalid URL (POST " + exchange.getRequestURI().getPath() + ")",
                            "invalid_request_error",
                            null));
            return;
        }
        Reply reply = next(body);
        if (reply.delayMs() > 0) {
            try {
                Thread.sleep(reply.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (reply.events() != null) {
                stream(exchange, reply);
            } else {
                send(exchange, reply.status(), reply.headers(), reply.body());
            }
        } catch (IOException clientGone) {
            // the client aborted the call (a cancelled task): nothing to answer
        }
    }

    private void stream(HttpExchange exchange, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(reply.status(), 0); // chunked
        OutputStream out = exchange.getResponseBody();
        try {
            for (Event event : reply.events()) {
                if (event.delayMs() > 0) {
                    Thread.sleep(event.delayMs());
                }
                out.write(event.text().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        } catch (IOException cutOff) {
            streamsCutOff.release();
            exchange.close();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String lastContent(JsonNode request) {
        JsonNode messages = request.path("messages");
        return messages.path(messages.size() - 1).path("content").asText();
    }

    /** A 200 chat.completion as OpenAI sends it, with a usage block. */
    public static Reply completion(String content, long promptTokens, long completionTokens) {
        return completion(content, promptTokens, completionTokens, 0);
    }

    public static Reply completion(String content, long promptTokens, long completionTokens, long delayMs) {
        String body = """
                {
                  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
                  "object": "chat.completion",
                  "created": 1741569952,
                  "model": "gpt-4o-mini-2024-07-18",
                  "choices": [
                    {
                      "index": 0,
                      "message": {"role": "assistant", "content": %s, "refusal": null, "annotations": []},
                      "logprobs": null,
                      "finish_reason": "stop"
                    }
                  ],
                  "usage": {
                    "prompt_tokens": %d,
                    "completion_tokens": %d,
                    "total_tokens": %d,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                      "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
                  },
                  "service_tier": "default",
                  "system_fingerprint": "fp_06737a9306"
                }
                """.formatted(quote(content), promptTokens, completionTokens, promptTokens + completionTokens);
        return new Reply(200, Map.of(), body, delayMs);
    }

    /** The id, created, model and fingerprint every chunk of a stream repeats, as OpenAI sends them. */
    private static final String CHUNK_HEAD = "\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini-2024-07-18\","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\"";

    private static String chunk(String delta, String finishReason, boolean withUsageField) {
        return "data: {" + CHUNK_HEAD + ",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + (finishReason == null ? "null" : quote(finishReason)) + "}]"
                + (withUsageField ? ",\"usage\":null" : "") + "}\n\n";
    }

    private static List<Event> contentEvents(List<String> pieces, long gapMs, boolean withUsageField) {
        List<Event> events = new ArrayList<>();
        events.add(new Event(
                chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null, withUsageField), 0));
        for (String piece : pieces) {
            events.add(new Event(chunk("{\"content\":" + quote(piece) + "}", null, withUsageField), gapMs));
        }
        return events;
    }

    /**
     * A 200 stream as OpenAI sends it with {@code stream_options.include_usage}: a role-only chunk,
     * one chunk per piece ({@code gapMs} apart), a finish_reason chunk ({@code gapMs} later too), the
     * usage chunk (empty choices) and {@code [DONE]}.
     */
    public static Reply streamed(List<String> pieces, long promptTokens, long completionTokens, long gapMs) {
        List<Event> events = contentEvents(pieces, gapMs, true);
        events.add(new Event(chunk("{}", "stop", true), gapMs)); // the end is one more token step
        events.add(new Event(
                "data: {" + CHUNK_HEAD + ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                        + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                        + (promptTokens + completionTokens)
                        + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
                        + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                        + "\"rejected_prediction_tokens\":0}}}\n\n",
                0));
        events.add(new Event("data: [DONE]\n\n", 0));
        return new Reply(200, Map.of(), "", 0, events);
    }

    /** A stream without usage (as older Ollama sends it): no usage field, no usage chunk. */
    public static Reply streamedWithoutUsage(List<String> pieces, long gapMs) {
        List<Event> events = contentEvents(pieces, gapMs, false);
        events.add(new Event(chunk("{}", "stop", false), 0));
        events.add(new Event("data: [DONE]\n\n", 0));
        return new Reply(200, Map.of(), "", 0, events);
    }

    /** A stream that breaks off after its pieces with an error event, as OpenAI sends one mid-stream. */
    public static Reply streamedThenError(List<String> pieces, long gapMs, String message) {
        List<Event> events = contentEvents(pieces, gapMs, true);
        events.add(new Event("data: " + error(message, "server_error", null) + "\n\n", gapMs));
        return new Reply(200, Map.of(), "", 0, events);
    }

    /** A stream that sends its pieces and then nothing for {@code stallMs} before it would finish. */
    public static Reply streamedThenStall(List<String> pieces, long gapMs, long stallMs) {
        List<Event> events = contentEvents(pieces, gapMs, true);
        events.add(new Event(chunk("{}", "stop", true), stallMs));
        events.add(new Event("data: [DONE]\n\n", 0));
        return new Reply(200, Map.of(), "", 0, events);
    }

    public static Reply badKey() {
        return new Reply(
                401,
                Map.of(),
                error(
                        "Incorrect API key provided: sk-bad. You can find your API key at"
                                + " https://platform.openai.com/account/api-keys.",
                        "invalid_request_error",
                        "invalid_api_key"),
                0);
    }

    public static Reply unknownModel(String model) {
        return new Reply(
                404,
                Map.of(),
                error(
                        "The model `" + model + "` does not exist or you do not have access to it.",
                        "invalid_request_error",
                        "model_not_found"),
                0);
    }

    public static Reply rateLimited(String retryAfter) {
        return new Reply(
                429,
                retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter),
                error(
                        "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM):"
                                + " Limit 3, Used 3, Requested 1. Please try again in 1s.",
                        "requests",
                        "rate_limit_exceeded"),
                0);
    }

    public static Reply serverError() {
        return new Reply(
                500,
                Map.of(),
                error("The server had an error while processing your request. Sorry about that!", "server_error", null),
                0);
    }

    private static String error(String message, String type, String code) {
        return "{\"error\": {\"message\": " + quote(message) + ", \"type\": " + quote(type)
                + ", \"param\": null, \"code\": " + (code == null ? "null" : quote(code)) + "}}";
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        try {
            ((java.util.concurrent.ExecutorService) server.getExecutor()).awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
