package dev.lanechat.server.config;

import java.time.Duration;
import java.util.function.Function;

/**
 * A lane of the offline demo processor ({@code processor: demo}).
 *
 * @param delay {@code delay_ms}, or null for --demo-delay-ms
 */
public record DemoLane(LaneBasics basics, Duration delay) implements LaneSpec {

    @Override
    public <R> R match(Function<DemoLane, R> demo, Function<OpenAiLane, R> openAi, Function<WorkerLane, R> worker) {
        return demo.apply(this);
    }
}
