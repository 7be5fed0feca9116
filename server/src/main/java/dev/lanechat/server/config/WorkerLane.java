package dev.lanechat.server.config;

import java.util.function.Function;

/** A lane served by external workers over the worker API ({@code processor: worker}). */
public record WorkerLane(LaneBasics basics) implements LaneSpec {

    @Override
    public <R> R match(Function<DemoLane, R> demo, Function<OpenAiLane, R> openAi, Function<WorkerLane, R> worker) {
        return worker.apply(this);
    }
}
