package dev.lanechat.server.lanes;

import dev.lanechat.server.config.Config;
import dev.lanechat.server.config.LaneSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the configured lanes, filling what the lanes file left out with the server's defaults. */
public final class LaneFactory {
    private static final Logger log = LoggerFactory.getLogger(LaneFactory.class);
    static final int OPENAI_CONCURRENCY = 4;
    static final Duration OPENAI_TIMEOUT = Duration.ofSeconds(120);
    static final String WORKER_MODEL = "worker";

    private LaneFactory() {}

    public static Lanes build(Config config) {
        return new Lanes(config.lanes().stream().map(spec -> lane(spec, config)).toList());
    }

    static Lane lane(LaneSpec spec, Config config) {
        int attempts = spec.attempts() != null ? spec.attempts() : config.maxAttempts();
        return switch (spec.processor()) {
            case LaneSpec.DEMO -> new Lane(spec.name(), spec.model() != null ? spec.model() : DemoProcessor.MODEL,
                    spec.description() != null ? spec.description()
                            : "Offline demo: reflects your message with its word count.",
                    spec.isDefault(), spec.concurrency() != null ? spec.concurrency() : config.demoConcurrency(),
                    new DemoProcessor(spec.delay() != null ? spec.delay() : config.demoDelay()), attempts);
            case LaneSpec.OPENAI -> {
                if (spec.apiKeyEnv() != null && spec.apiKey() == null) {
                    log.warn("Lane {}: the environment variable {} (api_key_env) is not set; its requests carry no API key",
                            spec.name(), spec.apiKeyEnv());
                }
                Duration timeout = spec.timeout() != null ? spec.timeout() : OPENAI_TIMEOUT;
                yield new Lane(spec.name(), spec.model(),
                        spec.description() != null ? spec.description()
                                : spec.model() + " at " + URI.create(spec.baseUrl()).getHost(),
                        spec.isDefault(), spec.concurrency() != null ? spec.concurrency() : OPENAI_CONCURRENCY,
                        new OpenAiProcessor(spec.baseUrl(), spec.model(), spec.apiKey(), spec.apiKeyEnv(),
                                spec.priceInputPerMillion(), spec.priceOutputPerMillion(), timeout, spec.systemPrompt()),
                        attempts);
            }
            case LaneSpec.WORKER -> new Lane(spec.name(), spec.model() != null ? spec.model() : WORKER_MODEL,
                    spec.description() != null ? spec.description() : "Served by external workers.",
                    spec.isDefault(), spec.concurrency() != null ? spec.concurrency() : Integer.MAX_VALUE, null, attempts);
            default -> throw new IllegalArgumentException("unknown processor " + spec.processor());
        };
    }

    /** The names of {@code lanes}, for metrics. */
    public static List<String> names(Lanes lanes) {
        return lanes.all().stream().map(Lane::name).toList();
    }
}
