package dev.lanechat.server.lanes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lane backed by an OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM,
 * llama.cpp's server, LM Studio): {@code POST {base_url}/chat/completions} with the conversation's
 * history and the message, not streamed. The answer's cost is the reported token usage times the
 * lane's prices.
 *
 * <p>Within one attempt, 429 and 5xx answers are tried again ({@link #TRIES} tries in all) after the
 * {@code Retry-After} the endpoint asks for, or a doubling backoff, never longer than
 * {@link #MAX_RETRY_WAIT}. A refused key, an unknown model or a request the endpoint rejects fail the
 * task at once ({@link ProcessingFailed}); an unreachable endpoint, a timeout or an endpoint that
 * keeps failing throw {@link EndpointUnavailable}, which the task's attempts may retry. Cancelling
 * the task (the runner interrupts this thread) aborts the HTTP call at once.
 */
public final class OpenAiProcessor implements Processor {
    static final int TRIES = 3;
    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final long POLL_MS = 50;

    /** A failure that another attempt may mend; its message is shown to the user as is. */
    public static final class EndpointUnavailable extends Exception {
        EndpointUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final String model;
    private final URI endpoint;
    private final String apiKey;
    private final String apiKeyEnv;
    private final double inputPerMillion;
    private final double outputPerMillion;
    private final Duration timeout;
    private final String systemPrompt;
    private final Duration firstBackoff;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;

    /**
     * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
     * @param apiKey sent as {@code Authorization: Bearer}; null sends none (Ollama needs none)
     * @param apiKeyEnv the variable the key came from (named in the message when the key is refused)
     * @param systemPrompt sent first as a system message, or null
     */
    public OpenAiProcessor(String baseUrl, String model, String apiKey, String apiKeyEnv, double inputPerMillion,
            double outputPerMillion, Duration timeout, String systemPrompt) {
        this(baseUrl, model, apiKey, apiKeyEnv, inputPerMillion, outputPerMillion, timeout, systemPrompt, FIRST_BACKOFF);
    }

    OpenAiProcessor(String baseUrl, String model, String apiKey, String apiKeyEnv, double inputPerMillion,
            double outputPerMillion, Duration timeout, String systemPrompt, Duration firstBackoff) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = URI.create(base + "/chat/completions");
        this.model = model;
        this.apiKey = apiKey;
        this.apiKeyEnv = apiKeyEnv;
        this.inputPerMillion = inputPerMillion;
        this.outputPerMillion = outputPerMillion;
        this.timeout = timeout;
        this.systemPrompt = systemPrompt;
        this.firstBackoff = firstBackoff;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER) // never replay the API key to another host
                .build();
    }

    @Override
    public ProcessorResult process(ProcessorInput input, ProcessorContext context) throws Exception {
        byte[] body = json.writeValueAsBytes(requestBody(input));
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = send(body, context);
            int status = response.statusCode();
            if (status / 100 == 2) {
                return result(response.body());
            }
            boolean retriable = status == 429 || status / 100 == 5;
            if (!retriable) {
                throw refused(status, response.body());
            }
            if (attempt >= TRIES) {
                throw new EndpointUnavailable((status == 429
                        ? "the model endpoint kept refusing with 429 (rate limited or out of quota) after "
                        : "the model endpoint kept failing with " + status + " after ")
                        + TRIES + " tries: " + errorMessage(response.body()));
            }
            Duration wait = retryAfter(response).orElse(backoff);
            if (wait.compareTo(MAX_RETRY_WAIT) > 0) {
                wait = MAX_RETRY_WAIT;
            }
            sleep(wait, context);
            backoff = backoff.multipliedBy(2);
        }
    }

    /** The request body; a streaming variant would add {@code "stream": true} and read the deltas. */
    ObjectNode requestBody(ProcessorInput input) {
        ObjectNode request = json.createObjectNode();
        request.put("model", model);
        ArrayNode messages = request.putArray("messages");
        if (systemPrompt != null) {
            messages.addObject().put("role", "system").put("content", systemPrompt);
        }
        for (ProcessorInput.Turn turn : input.history()) {
            messages.addObject().put("role", turn.role()).put("content", turn.content());
        }
        messages.addObject().put("role", "user").put("content", input.content());
        return request;
    }

    private HttpResponse<String> send(byte[] body, ProcessorContext context) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        CompletableFuture<HttpResponse<String>> call =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            while (true) {
                if (context.cancelled()) {
                    call.cancel(true);
                    throw new InterruptedException("cancelled");
                }
                try {
                    return call.get(POLL_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillWaiting) {
                    // check for a cancel, then wait on
                }
            }
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (CancellationException e) {
            throw new InterruptedException("cancelled");
        } catch (ExecutionException e) {
            throw unreachable(e.getCause());
        }
    }

    private Exception unreachable(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new EndpointUnavailable("cannot reach the model endpoint at " + endpoint + ": the connection timed out");
        }
        if (cause instanceof HttpTimeoutException) {
            return new EndpointUnavailable("the model endpoint at " + endpoint + " did not answer within "
                    + timeout.toSeconds() + " s (the lane's timeout_s)");
        }
        String why = null;
        Throwable root = cause;
        for (Throwable t = cause; t != null && why == null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                why = "unknown host " + endpoint.getHost();
            } else if (t instanceof ConnectException) {
                why = "connection refused";
            }
        }
        if (why == null) {
            why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        }
        return new EndpointUnavailable("cannot reach the model endpoint at " + endpoint + ": " + why);
    }

    private ProcessingFailed refused(int status, String body) {
        String message = errorMessage(body);
        String code = errorCode(body);
        if (status == 401 || status == 403) {
            String hint = apiKey == null
                    ? (apiKeyEnv == null ? " (the lane sends no key: set api_key_env)" : " (" + apiKeyEnv + " is not set)")
                    : " (check " + (apiKeyEnv == null ? "the key" : apiKeyEnv) + ")";
            return new ProcessingFailed("the model endpoint refused the API key (" + status + "): " + message + hint);
        }
        if (status == 404 || "model_not_found".equals(code)) {
            return new ProcessingFailed("the model endpoint does not know the model '" + model + "' (" + status + "): "
                    + message + " (check the lane's model and base_url)");
        }
        return new ProcessingFailed("the model endpoint rejected the request (" + status + "): " + message);
    }

    private ProcessorResult result(String body) throws EndpointUnavailable {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw new EndpointUnavailable("the model endpoint at " + endpoint + " answered something that is not JSON");
        }
        JsonNode message = root.path("choices").path(0).path("message");
        JsonNode content = message.path("content");
        if (!content.isTextual()) {
            throw new EndpointUnavailable("the model endpoint at " + endpoint
                    + " answered without choices[0].message.content (is base_url an OpenAI-compatible /v1 endpoint?)");
        }
        JsonNode usage = root.path("usage");
        double cost = (usage.path("prompt_tokens").asLong(0) * inputPerMillion
                + usage.path("completion_tokens").asLong(0) * outputPerMillion) / 1_000_000.0;
        String answeredBy = root.path("model").isTextual() && !root.path("model").asText().isBlank()
                ? root.path("model").asText() : model;
        return new ProcessorResult(content.asText(), answeredBy, cost, List.of());
    }

    /** The {@code error.message} of an OpenAI-style error body, or a short excerpt of another body. */
    private String errorMessage(String body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.path("message").isTextual()) {
                return error.path("message").asText();
            }
            if (error.isTextual()) {
                return error.asText(); // Ollama and llama.cpp answer {"error": "..."}
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the excerpt
        }
        String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? "(no message)" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private String errorCode(String body) {
        try {
            JsonNode code = json.readTree(body).path("error").path("code");
            return code.isTextual() ? code.asText() : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date. */
    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            String v = value.trim();
            try {
                double seconds = Double.parseDouble(v);
                return seconds >= 0 ? java.util.Optional.of(Duration.ofMillis((long) (seconds * 1000)))
                        : java.util.Optional.empty();
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (DateTimeParseException notDate) {
                    return java.util.Optional.empty();
                }
            }
        });
    }

    private static void sleep(Duration wait, ProcessorContext context) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (context.cancelled()) {
                throw new InterruptedException("cancelled");
            }
            Thread.sleep(Math.max(1, Math.min(POLL_MS, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }
}
