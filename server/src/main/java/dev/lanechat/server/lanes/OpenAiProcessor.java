package dev.lanechat.server.lanes;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanechat.server.config.OpenAiLane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lane backed by an OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM,
 * llama.cpp's server, LM Studio): {@code POST {base_url}/chat/completions} with the conversation's
 * history fitted to the lane's {@link ContextWindow} and the message, streamed
 * ({@code "stream": true}, server-sent events read by {@link SseReader}, folded by
 * {@link ChatAnswer}): each piece of content goes to {@link ProcessorContext#progress} as it
 * arrives, and the answer is their concatenation. The answer's cost is the token usage of the
 * stream's last chunk ({@code "stream_options": {"include_usage": true}}) times the lane's prices;
 * an endpoint that sends no usage costs 0 (logged once). An endpoint that ignores {@code stream}
 * and answers one JSON completion ({@code Content-Type: application/json}) works as well.
 *
 * <p>Timeouts: the whole answer must arrive within the lane's timeout, and once content flows, a
 * stream that sends nothing for the stall time (or the timeout, if shorter) fails too.
 *
 * <p>Within one attempt, 429 and 5xx answers are tried again as the {@link RetryPolicy} says. A
 * refused key, an unknown model or a request the endpoint rejects fail the task at once
 * ({@link ProcessingFailed}); an unreachable endpoint, a timeout or an endpoint that keeps failing
 * throw {@link EndpointUnavailable}, which the task's attempts may retry ({@link OpenAiErrors}
 * words them). Once the stream has begun, nothing is tried again within the attempt: a stream that
 * breaks off or carries an error fails the attempt, and a retried attempt streams again from the
 * start. Cancelling the task (the runner interrupts this thread, or
 * {@link ProcessorContext#cancelled()}) aborts the HTTP call at once.
 */
public final class OpenAiProcessor implements Processor {
    /** The lane's timeout when its {@code timeout_s} is not set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    /** Once content flows, the longest silence of a stream before it counts as stalled. */
    public static final Duration STALL = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(OpenAiProcessor.class);

    /** A failure that another attempt may mend; its message is shown to the user as is. */
    public static final class EndpointUnavailable extends Exception {
        EndpointUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final OpenAiLane spec;
    private final URI endpoint;
    private final Duration timeout;
    private final Duration stall;
    private final ContextWindow window;
    private final RetryPolicy retry;
    private final ObjectMapper json;
    /** Endpoints' bodies are read as they come: the shared mapper's strictness is for our clients' input. */
    private final ObjectReader reader;

    private final OpenAiErrors errors;
    private final ChatAnswer.Prices prices;
    private final HttpClient http;
    private final AtomicBoolean saidNoUsage = new AtomicBoolean();

    /**
     * @param spec the lane: its {@code base_url} (e.g. {@code https://api.openai.com/v1}), model, key
     *     (sent as {@code Authorization: Bearer}; none when null, as Ollama needs none), prices,
     *     timeout and system prompt (sent first as a system message)
     * @param stall see {@link #STALL}
     * @param json the server's mapper ({@code json/Json})
     */
    public OpenAiProcessor(
            OpenAiLane spec, ContextWindow window, RetryPolicy retry, Duration stall, ObjectMapper json) {
        String base = spec.baseUrl().endsWith("/")
                ? spec.baseUrl().substring(0, spec.baseUrl().length() - 1)
                : spec.baseUrl();
        this.spec = spec;
        this.endpoint = URI.create(base + "/chat/completions");
        this.timeout = spec.timeout() != null ? spec.timeout() : DEFAULT_TIMEOUT;
        this.stall = stall.compareTo(timeout) < 0 ? stall : timeout;
        this.window = window;
        this.retry = retry;
        this.json = json;
        this.reader = json.reader()
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .without(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        this.errors = new OpenAiErrors(
                endpoint, timeout, spec.basics().model(), spec.apiKey() != null, spec.apiKeyEnv(), reader);
        this.prices = new ChatAnswer.Prices(spec.priceInputPerMillion(), spec.priceOutputPerMillion());
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER) // never replay the API key to another host
                .build();
    }

    /** The window this lane's prompts are fitted to. */
    public ContextWindow window() {
        return window;
    }

    /** Only when its lane says {@code vision: true} (protocol.md E14). */
    @Override
    public boolean acceptsImages() {
        return spec.vision();
    }

    @Override
    public ProcessorResult process(ProcessorInput input, ProcessorContext context) throws Exception {
        if (!input.images().isEmpty() && !spec.vision()) {
            throw new ProcessingFailed("Lane '" + spec.basics().name() + "' does not accept images (no vision: true).");
        }
        byte[] body = json.writeValueAsBytes(requestBody(input));
        for (int tried = 1; ; tried++) {
            long deadline = System.nanoTime() + timeout.toNanos();
            HttpResponse.ResponseInfo head;
            String errorBody;
            try (LineStream response = new LineStream(http, request(body))) {
                head = head(response, deadline, context);
                if (head.statusCode() / 100 == 2) {
                    return answer(response, head, deadline, context);
                }
                errorBody = rest(response, deadline, context);
            }
            int status = head.statusCode();
            if (status != 429 && status / 100 != 5) {
                throw errors.refused(status, errorBody);
            }
            if (!retry.mayRetry(tried)) {
                throw errors.keptFailing(status, retry.tries(), errorBody);
            }
            RetryPolicy.pause(retry.waitAfter(tried, head.headers().firstValue("Retry-After")), context::cancelled);
        }
    }

    /** The request body: the messages fitted to the window, streamed with the usage in the last chunk. */
    ObjectNode requestBody(ProcessorInput input) {
        String systemPrompt = systemPrompt(spec.systemPrompt(), input.systemPrompt());
        ProcessorInput fitted = window.fit(systemPrompt, input);
        ObjectNode request = json.createObjectNode();
        request.put("model", spec.basics().model());
        request.put("stream", true);
        request.putObject("stream_options").put("include_usage", true);
        ArrayNode messages = request.putArray("messages");
        if (systemPrompt != null) {
            messages.addObject().put("role", "system").put("content", systemPrompt);
        }
        for (ProcessorInput.Turn turn : fitted.history()) {
            messages.addObject().put("role", turn.role()).put("content", turn.content());
        }
        List<ProcessorInput.Attachment> images = fitted.images();
        if (images.isEmpty() || !spec.vision()) {
            messages.addObject().put("role", "user").put("content", fitted.prompt());
        } else {
            // OpenAI vision content parts: the text, then each image as a base64 data URL.
            ArrayNode parts = messages.addObject().put("role", "user").putArray("content");
            parts.addObject().put("type", "text").put("text", fitted.prompt());
            for (ProcessorInput.Attachment image : images) {
                parts.addObject()
                        .put("type", "image_url")
                        .putObject("image_url")
                        .put(
                                "url",
                                "data:" + image.contentType() + ";base64,"
                                        + Base64.getEncoder().encodeToString(image.data()));
            }
        }
        return request;
    }

    /**
     * The one system message sent first: the lane's own prompt (the lanes file), then the
     * conversation's, a blank line between them; null when neither has one. One message rather than
     * two, as some models' chat templates take a single system message at the start only.
     */
    static String systemPrompt(String lanePrompt, String conversationPrompt) {
        if (lanePrompt == null) {
            return conversationPrompt;
        }
        return conversationPrompt == null ? lanePrompt : lanePrompt + "\n\n" + conversationPrompt;
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream, application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (spec.apiKey() != null) {
            request.header("Authorization", "Bearer " + spec.apiKey());
        }
        return request.build();
    }

    /** Waits for the status and headers (the call is aborted on a cancel, an interrupt or the deadline). */
    private HttpResponse.ResponseInfo head(LineStream response, long deadline, ProcessorContext context)
            throws Exception {
        try {
            return response.head(deadline, context::cancelled);
        } catch (TimeoutException e) {
            throw errors.notInTime();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CancellationException) {
                throw new InterruptedException("cancelled");
            }
            throw errors.unreachable(e.getCause());
        }
    }

    /** The rest of a body that is not a stream (a JSON completion, an error). */
    private String rest(LineStream response, long deadline, ProcessorContext context) throws Exception {
        try {
            return response.rest(deadline, context::cancelled);
        } catch (TimeoutException e) {
            throw errors.notInTime();
        } catch (ExecutionException e) {
            throw errors.brokeOff(e.getCause());
        }
    }

    /** A 2xx answer: a stream of chunks, or (an endpoint that ignores {@code stream}) one JSON completion. */
    private ProcessorResult answer(
            LineStream response, HttpResponse.ResponseInfo head, long deadline, ProcessorContext context)
            throws Exception {
        String type = head.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            return streamed(new SseReader(response, null), deadline, context);
        }
        if (type.contains("json")) {
            return completion(rest(response, deadline, context));
        }
        // No telling type: look at the first line that is not blank.
        String first;
        try {
            do {
                first = response.nextLine(deadline, context::cancelled);
            } while (first != null && first.isBlank());
        } catch (TimeoutException e) {
            throw errors.notInTime();
        } catch (ExecutionException e) {
            throw errors.brokeOff(e.getCause());
        }
        if (first != null && (first.startsWith("data:") || first.startsWith(":") || first.startsWith("event:"))) {
            return streamed(new SseReader(response, first), deadline, context);
        }
        String more = rest(response, deadline, context);
        return completion(first == null ? "" : more.isEmpty() ? first : first + "\n" + more);
    }

    /** Reads the stream's events until {@code [DONE]} or its end, reporting each content delta as progress. */
    private ProcessorResult streamed(SseReader events, long deadline, ProcessorContext context) throws Exception {
        ChatAnswer answer = new ChatAnswer(reader, errors);
        while (!answer.done()) {
            SseReader.Event event;
            try {
                event = events.next(
                        () -> answer.flowing()
                                ? Math.min(deadline, events.lastLineNanos() + stall.toNanos())
                                : deadline,
                        context::cancelled);
            } catch (TimeoutException e) {
                throw System.nanoTime() - deadline >= 0 ? errors.unfinished() : errors.stalled(stall);
            } catch (ExecutionException e) {
                throw errors.brokeOff(e.getCause());
            }
            if (event == null) {
                break;
            }
            answer.accept(event, context);
        }
        ProcessorResult result = answer.result(spec.basics().model(), prices);
        if (answer.usage() == null && saidNoUsage.compareAndSet(false, true)) {
            String note = "the model endpoint at {} streamed no usage (it ignores stream_options.include_usage):"
                    + " its answers cost 0 here";
            if (prices.any()) {
                log.warn(note + ", whatever the lane's prices", endpoint);
            } else {
                log.info(note, endpoint);
            }
        }
        return result;
    }

    private ProcessorResult completion(String body) throws Exception {
        return ChatAnswer.ofCompletion(body, spec.basics().model(), prices, reader, errors);
    }
}
