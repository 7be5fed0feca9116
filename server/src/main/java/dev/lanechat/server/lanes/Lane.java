package dev.lanechat.server.lanes;

/**
 * A named queue bound to a processor and a model. {@code concurrency} tasks of it run at once on
 * each node (for a lane served by workers: at once in all). A task of it is tried at most
 * {@code attempts} times.
 *
 * @param processor the in-server processor, or null for a lane served by external workers
 * @param window what the history given to the lane's model is fitted to, or null for a lane that
 *     reads no history (the demo)
 */
public record Lane(
        String name,
        String model,
        String description,
        boolean isDefault,
        int concurrency,
        Processor processor,
        int attempts,
        ContextWindow window) {

    /** Whether external workers serve this lane over the worker API (no in-server runner). */
    public boolean servedByWorkers() {
        return processor == null;
    }

    /**
     * {@code input} with its history fitted to the lane's window beside the conversation's system
     * prompt, which counts against it (a worker's claim).
     */
    public ProcessorInput fitted(ProcessorInput input) {
        return window == null ? input : window.fit(input.systemPrompt(), input);
    }

    /** Whether a message with images may be sent to it: a worker lane's worker downloads them; else its processor says. */
    public boolean acceptsImages() {
        return processor == null || processor.acceptsImages();
    }
}
