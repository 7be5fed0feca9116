package dev.lanechat.server.config;

import java.time.Duration;

/**
 * One lane as the lanes file describes it, checked but not yet built. Values the file left out are
 * null and take the server's defaults when the lanes are built ({@code attempts}: --max-attempts,
 * {@code concurrency} and {@code delay}: the demo flags).
 *
 * @param processor "demo", "openai" or "worker"
 * @param apiKey the value of the {@code api_key_env} variable at start, or null (no key is sent)
 * @param line where the lane starts in the file (for messages)
 */
public record LaneSpec(
        String name,
        String processor,
        Integer concurrency,
        boolean isDefault,
        String model,
        String description,
        String baseUrl,
        String apiKeyEnv,
        String apiKey,
        double priceInputPerMillion,
        double priceOutputPerMillion,
        Duration timeout,
        Integer attempts,
        Duration delay,
        String systemPrompt,
        int line) {

    public static final String DEMO = "demo";
    public static final String OPENAI = "openai";
    public static final String WORKER = "worker";

    /** The built-in lane of a server started without a lanes file. */
    public static LaneSpec builtInDemo() {
        return new LaneSpec("demo", DEMO, null, true, null, null, null, null, null, 0, 0, null, null, null, null, 0);
    }

    /** Never prints the API key (a Config is logged and shown in test failures). */
    @Override
    public String toString() {
        return "LaneSpec[name=" + name + ", processor=" + processor + ", model=" + model + ", baseUrl=" + baseUrl
                + ", apiKeyEnv=" + apiKeyEnv + ", apiKey=" + (apiKey == null ? "none" : "***") + ", default="
                + isDefault + ", line=" + line + "]";
    }
}
