package dev.lanechat.server.config;

import java.util.function.Function;

/**
 * One lane as the lanes file describes it, checked but not yet built: a {@link DemoLane}, an
 * {@link OpenAiLane} or a {@link WorkerLane} (the file's {@code processor:}), each with the fields
 * only it has. Values the file left out are null and take the server's defaults when the lanes are
 * built ({@code lanes/LaneFactory}).
 *
 * <p>Code that treats each kind its own way calls {@link #match}: Java 17 (our bytecode) has no
 * pattern {@code switch} over a sealed type, and {@code match} is its exhaustive stand-in: a new
 * kind of lane adds a parameter, and every caller stops compiling until it handles it.
 */
public sealed interface LaneSpec permits DemoLane, OpenAiLane, WorkerLane {
    /** What every lane has, whatever its processor. */
    LaneBasics basics();

    default String name() {
        return basics().name();
    }

    default boolean isDefault() {
        return basics().isDefault();
    }

    /** Where the lane starts in the file (for messages). */
    default int line() {
        return basics().line();
    }

    /** The result of the function for this lane's kind. */
    <R> R match(Function<DemoLane, R> demo, Function<OpenAiLane, R> openAi, Function<WorkerLane, R> worker);

    /** The built-in lane of a server started without a lanes file. */
    static LaneSpec builtInDemo() {
        return new DemoLane(new LaneBasics("demo", null, true, null, null, null, 0), null);
    }
}
