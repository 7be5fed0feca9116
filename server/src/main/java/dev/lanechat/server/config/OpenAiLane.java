package dev.lanechat.server.config;

import java.time.Duration;
import java.util.function.Function;

/**
 * A lane backed by an OpenAI-compatible chat completions endpoint ({@code processor: openai}).
 * Its {@code model} is required.
 *
 * @param apiKeyEnv the variable named by {@code api_key_env}, or null
 * @param apiKey that variable's value at start, or null (no key is sent)
 * @param timeout {@code timeout_s}, or null for the processor's default
 * @param systemPrompt {@code system_prompt}, or null
 * @param maxContextTokens {@code max_context_tokens}, or null for the default of the model
 * @param vision {@code vision: true}: the model takes images (OpenAI vision content parts, E14)
 */
public record OpenAiLane(
        LaneBasics basics,
        String baseUrl,
        String apiKeyEnv,
        String apiKey,
        double priceInputPerMillion,
        double priceOutputPerMillion,
        Duration timeout,
        String systemPrompt,
        Integer maxContextTokens,
        boolean vision)
        implements LaneSpec {

    /** A lane without {@code vision} (images refused). */
    public OpenAiLane(
            LaneBasics basics,
            String baseUrl,
            String apiKeyEnv,
            String apiKey,
            double priceInputPerMillion,
            double priceOutputPerMillion,
            Duration timeout,
            String systemPrompt,
            Integer maxContextTokens) {
        this(
                basics,
                baseUrl,
                apiKeyEnv,
                apiKey,
                priceInputPerMillion,
                priceOutputPerMillion,
                timeout,
                systemPrompt,
                maxContextTokens,
                false);
    }

    /** Never prints the API key (a Config is logged and shown in test failures). */
    @Override
    public String toString() {
        return "OpenAiLane[name=" + basics.name() + ", model=" + basics.model() + ", baseUrl=" + baseUrl
                + ", apiKeyEnv=" + apiKeyEnv + ", apiKey=" + (apiKey == null ? "none" : "***") + ", default="
                + basics.isDefault() + ", maxContextTokens=" + maxContextTokens + ", vision=" + vision + ", line="
                + basics.line() + "]";
    }

    @Override
    public <R> R match(Function<DemoLane, R> demo, Function<OpenAiLane, R> openAi, Function<WorkerLane, R> worker) {
        return openAi.apply(this);
    }
}
