package dev.lanechat.server.config;

import java.util.function.Function;

/**
 * A lane served by external workers over the worker API ({@code processor: worker}).
 *
 * @param maxContextTokens {@code max_context_tokens}: the context window the history given to a
 *     worker's claim is fitted to, or null for the default of the lane's model
 */
public record WorkerLane(LaneBasics basics, Integer maxContextTokens) implements LaneSpec {

    @Override
    public <R> R match(Function<DemoLane, R> demo, Function<OpenAiLane, R> openAi, Function<WorkerLane, R> worker) {
        return worker.apply(this);
    }
}
