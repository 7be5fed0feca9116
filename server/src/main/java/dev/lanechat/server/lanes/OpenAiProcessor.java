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
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lane backed by an OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM,
 * llama.cpp's server, LM Studio): {@code POST {base_url}/chat/completions} with the conversation's
 * history and the message, streamed ({@code "stream": true}, server-sent events): each piece of
 * content goes to {@link ProcessorContext#progress} as it arrives, and the answer is their
 * concatenation. The answer's cost is the token usage of the stream's last chunk
 * ({@code "stream_options": {"include_usage": true}}) times the lane's prices; an endpoint that
 * sends no usage costs 0 (logged once). An endpoint that ignores {@code stream} and answers one
 * JSON completion ({@code Content-Type: application/json}) works as well.
 *
 * <p>Timeouts: the whole answer must arrive within the lane's timeout, and once content flows, a
 * stream that sends nothing for {@link #STALL} (or the timeout, if shorter) fails too.
 *
 * <p>Within one attempt, 429 and 5xx answers are tried again ({@link #TRIES} tries in all) after the
 * {@code Retry-After} the endpoint asks for, or a doubling backoff, never longer than
 * {@link #MAX_RETRY_WAIT}. A refused key, an unknown model or a request the endpoint rejects fail the
 * task at once ({@link ProcessingFailed}); an unreachable endpoint, a timeout or an endpoint that
 * keeps failing throw {@link EndpointUnavailable}, which the task's attempts may retry. Once the
 * stream has begun, nothing is tried again within the attempt: a stream that breaks off or carries
 * an error ({@code data: {"error": …}}) fails the attempt ({@link EndpointUnavailable}), and a
 * retried attempt streams again from the start. Cancelling the task (the runner interrupts this
 * thread, or {@link ProcessorContext#cancelled()}) aborts the HTTP call at once.
 */
public final class OpenAiProcessor implements Processor {
    static final int TRIES = 3;
    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(30);
    /** Once content flows, the longest silence of a stream before it counts as stalled. */
    static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final long POLL_MS = LineStream.POLL_MS;
    private static final Logger log = LoggerFactory.getLogger(OpenAiProcessor.class);

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
    private final Duration stall;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final AtomicBoolean saidNoUsage = new AtomicBoolean();

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
        this(baseUrl, model, apiKey, apiKeyEnv, inputPerMillion, outputPerMillion, timeout, systemPrompt, firstBackoff,
                STALL);
    }

    OpenAiProcessor(String baseUrl, String model, String apiKey, String apiKeyEnv, double inputPerMillion,
            double outputPerMillion, Duration timeout, String systemPrompt, Duration firstBackoff, Duration stall) {
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
        this.stall = stall.compareTo(timeout) < 0 ? stall : timeout;
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
            long deadline = System.nanoTime() + timeout.toNanos();
            HttpResponse.ResponseInfo head;
            String errorBody;
            try (LineStream response = new LineStream(http, request(body))) {
                head = head(response, deadline, context);
                int status = head.statusCode();
                if (status / 100 == 2) {
                    return answer(response, head, deadline, context);
                }
                errorBody = rest(response, deadline, context);
            }
            int status = head.statusCode();
            boolean retriable = status == 429 || status / 100 == 5;
            if (!retriable) {
                throw refused(status, errorBody);
            }
            if (attempt >= TRIES) {
                throw new EndpointUnavailable((status == 429
                        ? "the model endpoint kept refusing with 429 (rate limited or out of quota) after "
                        : "the model endpoint kept failing with " + status + " after ")
                        + TRIES + " tries: " + errorMessage(errorBody));
            }
            Duration wait = retryAfter(head.headers()).orElse(backoff);
            if (wait.compareTo(MAX_RETRY_WAIT) > 0) {
                wait = MAX_RETRY_WAIT;
            }
            sleep(wait, context);
            backoff = backoff.multipliedBy(2);
        }
    }

    /** The request body: the messages, streamed with the usage in the last chunk. */
    ObjectNode requestBody(ProcessorInput input) {
        ObjectNode request = json.createObjectNode();
        request.put("model", model);
        request.put("stream", true);
        request.putObject("stream_options").put("include_usage", true);
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

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream, application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request.build();
    }

    /** Waits for the status and headers (the call is aborted on a cancel, an interrupt or the deadline). */
    private HttpResponse.ResponseInfo head(LineStream response, long deadline, ProcessorContext context)
            throws Exception {
        try {
            return response.head(deadline, context::cancelled);
        } catch (TimeoutException e) {
            throw notInTime();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof java.util.concurrent.CancellationException) {
                throw new InterruptedException("cancelled");
            }
            throw unreachable(e.getCause());
        }
    }

    /** The rest of a body that is not a stream (a JSON completion, an error). */
    private String rest(LineStream response, long deadline, ProcessorContext context) throws Exception {
        try {
            return response.rest(deadline, context::cancelled);
        } catch (TimeoutException e) {
            throw notInTime();
        } catch (ExecutionException e) {
            throw brokeOff(e.getCause());
        }
    }

    private EndpointUnavailable notInTime() {
        return new EndpointUnavailable("the model endpoint at " + endpoint + " did not answer within "
                + timeout.toSeconds() + " s (the lane's timeout_s)");
    }

    private Exception brokeOff(Throwable cause) {
        if (cause instanceof java.util.concurrent.CancellationException) {
            return new InterruptedException("cancelled");
        }
        if (cause instanceof HttpTimeoutException) {
            return notInTime();
        }
        String why = cause == null || cause.getMessage() == null
                ? (cause == null ? "closed" : cause.getClass().getSimpleName()) : cause.getMessage();
        return new EndpointUnavailable("the model endpoint at " + endpoint + " broke off its answer: " + why);
    }

    /** A 2xx answer: a stream of chunks, or (an endpoint that ignores {@code stream}) one JSON completion. */
    private ProcessorResult answer(LineStream response, HttpResponse.ResponseInfo head, long deadline,
            ProcessorContext context) throws Exception {
        String type = head.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            return streamed(response, null, deadline, context);
        }
        if (type.contains("json")) {
            return result(rest(response, deadline, context));
        }
        // No telling type: look at the first line that is not blank.
        String first;
        try {
            do {
                first = response.nextLine(deadline, context::cancelled);
            } while (first != null && first.isBlank());
        } catch (TimeoutException e) {
            throw notInTime();
        } catch (ExecutionException e) {
            throw brokeOff(e.getCause());
        }
        if (first != null && (first.startsWith("data:") || first.startsWith(":") || first.startsWith("event:"))) {
            return streamed(response, first, deadline, context);
        }
        String more = rest(response, deadline, context);
        return result(first == null ? "" : more.isEmpty() ? first : first + "\n" + more);
    }

    /** What a stream has said so far. */
    private static final class Streamed {
        final StringBuilder content = new StringBuilder();
        JsonNode usage;
        String model;
        boolean choices;
        String finishReason;
        boolean done;
    }

    /**
     * Reads server-sent events ({@code data: {chat.completion.chunk}} … {@code data: [DONE]}),
     * reporting each content delta as progress.
     */
    private ProcessorResult streamed(LineStream response, String firstLine, long deadline, ProcessorContext context)
            throws Exception {
        Streamed answer = new Streamed();
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        String event = null;
        String line = firstLine;
        long lastLine = System.nanoTime();
        while (!answer.done) {
            if (line == null) {
                boolean flowing = answer.content.length() > 0;
                long until = flowing ? Math.min(deadline, lastLine + stall.toNanos()) : deadline;
                try {
                    line = response.nextLine(until, context::cancelled);
                } catch (TimeoutException e) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new EndpointUnavailable("the model endpoint at " + endpoint + " did not finish its answer"
                                + " within " + timeout.toSeconds() + " s (the lane's timeout_s)");
                    }
                    throw new EndpointUnavailable("the model endpoint at " + endpoint + " stopped sending its answer"
                            + " (nothing for " + stall.toSeconds() + " s)");
                } catch (ExecutionException e) {
                    throw brokeOff(e.getCause());
                }
                lastLine = System.nanoTime();
            }
            if (line == null || line.isEmpty()) { // the end of an event, or of the stream
                if (hasData) {
                    event(data.toString(), event, answer, context);
                }
                data.setLength(0);
                hasData = false;
                event = null;
                if (line == null) {
                    break;
                }
            } else if (!line.startsWith(":")) { // a line that starts with ':' is a comment (a keep-alive)
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (field.equals("data")) {
                    if (hasData) {
                        data.append('\n');
                    }
                    data.append(value);
                    hasData = true;
                } else if (field.equals("event")) {
                    event = value;
                }
            }
            line = null;
        }
        if (!answer.done && answer.finishReason == null) {
            throw new EndpointUnavailable("the model endpoint at " + endpoint
                    + " ended its stream before the answer was complete (no finish_reason, no [DONE])");
        }
        if (!answer.choices) {
            throw new EndpointUnavailable("the model endpoint at " + endpoint
                    + " streamed no choices (is base_url an OpenAI-compatible /v1 endpoint?)");
        }
        double cost = cost(answer.usage);
        if (answer.usage == null && saidNoUsage.compareAndSet(false, true)) {
            String note = "the model endpoint at {} streamed no usage (it ignores stream_options.include_usage):"
                    + " its answers cost 0 here";
            if (inputPerMillion > 0 || outputPerMillion > 0) {
                log.warn(note + ", whatever the lane's prices", endpoint);
            } else {
                log.info(note, endpoint);
            }
        }
        return new ProcessorResult(answer.content.toString(), answer.model != null ? answer.model : model, cost, List.of(),
                tokens(answer.usage, "prompt_tokens"), tokens(answer.usage, "completion_tokens"));
    }

    /** One event of the stream: a chunk, the usage, an error, or [DONE]. */
    private void event(String data, String event, Streamed answer, ProcessorContext context) throws EndpointUnavailable {
        if (data.strip().equals("[DONE]")) {
            answer.done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (IOException e) {
            throw new EndpointUnavailable("the model endpoint at " + endpoint + " streamed something that is not JSON: "
                    + excerpt(data));
        }
        if (chunk == null || !chunk.isObject()) {
            throw new EndpointUnavailable("the model endpoint at " + endpoint + " streamed something that is not JSON: "
                    + excerpt(data));
        }
        if ("error".equals(event) || (chunk.has("error") && !chunk.path("error").isNull())) {
            throw new EndpointUnavailable("the model endpoint failed in the middle of its answer: " + errorMessage(data));
        }
        JsonNode name = chunk.path("model");
        if (answer.model == null && name.isTextual() && !name.asText().isBlank()) {
            answer.model = name.asText();
        }
        if (chunk.path("usage").isObject()) {
            answer.usage = chunk.path("usage");
        }
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            answer.choices = true;
            JsonNode delta = choice.path("delta").path("content");
            if (delta.isTextual() && !delta.asText().isEmpty()) {
                answer.content.append(delta.asText());
                context.progress(delta.asText());
            }
            if (choice.path("finish_reason").isTextual()) {
                answer.finishReason = choice.path("finish_reason").asText();
            }
        }
    }

    private double cost(JsonNode usage) {
        if (usage == null) {
            return 0;
        }
        return (usage.path("prompt_tokens").asLong(0) * inputPerMillion
                + usage.path("completion_tokens").asLong(0) * outputPerMillion) / 1_000_000.0;
    }

    /** A token count of the endpoint's usage object (0 without one, or for a negative or odd value). */
    private static long tokens(JsonNode usage, String field) {
        return usage == null ? 0 : Math.max(0, usage.path(field).asLong(0));
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
        JsonNode usage = root.path("usage").isObject() ? root.path("usage") : null;
        double cost = cost(usage);
        String answeredBy = root.path("model").isTextual() && !root.path("model").asText().isBlank()
                ? root.path("model").asText() : model;
        return new ProcessorResult(content.asText(), answeredBy, cost, List.of(), tokens(usage, "prompt_tokens"),
                tokens(usage, "completion_tokens"));
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
        return excerpt(body);
    }

    private static String excerpt(String body) {
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
    private static java.util.Optional<Duration> retryAfter(java.net.http.HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(value -> {
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
