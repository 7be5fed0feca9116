package dev.lanechat.server.lanes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.lanechat.server.lanes.OpenAiProcessor.EndpointUnavailable;
import java.io.IOException;
import java.util.List;

/**
 * What an OpenAI-compatible endpoint answered, in OpenAI's semantics: the events of a stream of
 * {@code chat.completion.chunk}s folded in one at a time ({@link #accept}), or one JSON
 * {@code chat.completion} ({@link #ofCompletion}). Only choice 0 counts; the usage is that of the
 * last chunk that carries one; the model is the first one named.
 */
final class ChatAnswer {
    private final ObjectReader json;
    private final OpenAiErrors errors;
    private final StringBuilder content = new StringBuilder();
    private JsonNode usage;
    private String model;
    private boolean choices;
    private String finishReason;
    private boolean done;

    ChatAnswer(ObjectReader json, OpenAiErrors errors) {
        this.json = json;
        this.errors = errors;
    }

    /** Folds in one event of the stream: a chunk, the usage, an error, or {@code [DONE]}. */
    void accept(SseReader.Event event, ProcessorContext context) throws EndpointUnavailable {
        String data = event.data();
        if (data.strip().equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (IOException e) {
            chunk = null;
        }
        if (chunk == null || !chunk.isObject()) {
            throw errors.notJson("streamed something that is not JSON: " + OpenAiErrors.excerpt(data));
        }
        if ("error".equals(event.type())
                || (chunk.has("error") && !chunk.path("error").isNull())) {
            throw errors.failedMidway(data);
        }
        JsonNode name = chunk.path("model");
        if (model == null && name.isTextual() && !name.asText().isBlank()) {
            model = name.asText();
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.path("usage");
        }
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            choices = true;
            JsonNode delta = choice.path("delta").path("content");
            if (delta.isTextual() && !delta.asText().isEmpty()) {
                content.append(delta.asText());
                context.progress(delta.asText());
            }
            if (choice.path("finish_reason").isTextual()) {
                finishReason = choice.path("finish_reason").asText();
            }
        }
    }

    /** Whether {@code [DONE]} arrived. */
    boolean done() {
        return done;
    }

    /** Whether some content has arrived (from then on a silent stream counts as stalled). */
    boolean flowing() {
        return content.length() > 0;
    }

    /** The usage of the stream, or null when the endpoint sent none. */
    JsonNode usage() {
        return usage;
    }

    /** The answer of a stream that ended; a stream cut short, or with no choices, fails. */
    ProcessorResult result(String laneModel, Prices prices) throws EndpointUnavailable {
        if (!done && finishReason == null) {
            throw errors.notJson("ended its stream before the answer was complete (no finish_reason, no [DONE])");
        }
        if (!choices) {
            throw errors.notJson("streamed no choices (is base_url an OpenAI-compatible /v1 endpoint?)");
        }
        return new ProcessorResult(
                content.toString(),
                model != null ? model : laneModel,
                prices.cost(usage),
                List.of(),
                tokens(usage, "prompt_tokens"),
                tokens(usage, "completion_tokens"));
    }

    /** One JSON completion (an endpoint that ignores {@code stream}). */
    static ProcessorResult ofCompletion(
            String body, String laneModel, Prices prices, ObjectReader json, OpenAiErrors errors)
            throws EndpointUnavailable {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw errors.notJson("answered something that is not JSON");
        }
        JsonNode content = root.path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw errors.notJson("answered without choices[0].message.content"
                    + " (is base_url an OpenAI-compatible /v1 endpoint?)");
        }
        JsonNode usage = root.path("usage").isObject() ? root.path("usage") : null;
        double cost = prices.cost(usage);
        String answeredBy =
                root.path("model").isTextual() && !root.path("model").asText().isBlank()
                        ? root.path("model").asText()
                        : laneModel;
        return new ProcessorResult(
                content.asText(),
                answeredBy,
                cost,
                List.of(),
                tokens(usage, "prompt_tokens"),
                tokens(usage, "completion_tokens"));
    }

    /** A token count of the endpoint's usage object (issue 20's usage; 0 without one, or for a negative value). */
    private static long tokens(JsonNode usage, String field) {
        return usage == null ? 0 : Math.max(0, usage.path(field).asLong(0));
    }

    /** A lane's prices in US dollars per million tokens. */
    record Prices(double inputPerMillion, double outputPerMillion) {
        double cost(JsonNode usage) {
            if (usage == null) {
                return 0;
            }
            return (usage.path("prompt_tokens").asLong(0) * inputPerMillion
                            + usage.path("completion_tokens").asLong(0) * outputPerMillion)
                    / 1_000_000.0;
        }

        boolean any() {
            return inputPerMillion > 0 || outputPerMillion > 0;
        }
    }
}
