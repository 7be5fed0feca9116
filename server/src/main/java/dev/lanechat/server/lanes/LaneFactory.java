package dev.lanechat.server.lanes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.config.DemoLane;
import dev.lanechat.server.config.LaneBasics;
import dev.lanechat.server.config.LaneSpec;
import dev.lanechat.server.config.OpenAiLane;
import dev.lanechat.server.config.WorkerLane;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the configured lanes, filling what the lanes file left out with the server's defaults:
 * one method per kind of {@link LaneSpec}, chosen by its exhaustive {@link LaneSpec#match}.
 */
public final class LaneFactory {
    private static final Logger log = LoggerFactory.getLogger(LaneFactory.class);
    static final int OPENAI_CONCURRENCY = 4;
    static final String WORKER_MODEL = "worker";

    private LaneFactory() {}

    /**
     * Builds the lanes of {@code config}.
     *
     * @param json the server's mapper
     * @param clock what an endpoint's {@code Retry-After} dates are measured against
     */
    public static Lanes build(Config config, ObjectMapper json, Clock clock) {
        ModelCatalog models = new ModelCatalog();
        return new Lanes(config.lanes().stream()
                .map(spec -> lane(spec, config, json, clock, models))
                .toList());
    }

    static Lane lane(LaneSpec spec, Config config, ObjectMapper json, Clock clock, ModelCatalog models) {
        int attempts = spec.basics().attempts() != null ? spec.basics().attempts() : config.maxAttempts();
        return spec.match(
                demo -> demo(demo, config, attempts),
                openAi -> openAi(openAi, attempts, json, clock, models),
                worker -> worker(worker, attempts, models));
    }

    private static Lane demo(DemoLane spec, Config config, int attempts) {
        LaneBasics b = spec.basics();
        return new Lane(
                b.name(),
                b.model() != null ? b.model() : DemoProcessor.MODEL,
                b.description() != null ? b.description() : "Offline demo: reflects your message with its word count.",
                b.isDefault(),
                b.concurrency() != null ? b.concurrency() : config.demoConcurrency(),
                new DemoProcessor(spec.delay() != null ? spec.delay() : config.demoDelay()),
                attempts,
                null);
    }

    private static Lane openAi(OpenAiLane spec, int attempts, ObjectMapper json, Clock clock, ModelCatalog models) {
        LaneBasics b = spec.basics();
        if (spec.apiKeyEnv() != null && spec.apiKey() == null) {
            log.warn(
                    "Lane {}: the environment variable {} (api_key_env) is not set; its requests carry no API key",
                    b.name(),
                    spec.apiKeyEnv());
        }
        ContextWindow window = ContextWindow.of(b.model(), spec.maxContextTokens(), models);
        log.info("Lane {}: the context window of {} is {}", b.name(), b.model(), window);
        return new Lane(
                b.name(),
                b.model(),
                b.description() != null
                        ? b.description()
                        : b.model() + " at " + URI.create(spec.baseUrl()).getHost(),
                b.isDefault(),
                b.concurrency() != null ? b.concurrency() : OPENAI_CONCURRENCY,
                new OpenAiProcessor(spec, window, RetryPolicy.standard(clock), OpenAiProcessor.STALL, json),
                attempts,
                window);
    }

    private static Lane worker(WorkerLane spec, int attempts, ModelCatalog models) {
        LaneBasics b = spec.basics();
        String model = b.model() != null ? b.model() : WORKER_MODEL;
        return new Lane(
                b.name(),
                model,
                b.description() != null ? b.description() : "Served by external workers.",
                b.isDefault(),
                b.concurrency() != null ? b.concurrency() : Integer.MAX_VALUE,
                null,
                attempts,
                ContextWindow.of(model, spec.maxContextTokens(), models));
    }

    /** The names of {@code lanes}, for metrics. */
    public static List<String> names(Lanes lanes) {
        return lanes.all().stream().map(Lane::name).toList();
    }
}
