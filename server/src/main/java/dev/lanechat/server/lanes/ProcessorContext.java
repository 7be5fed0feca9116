package dev.lanechat.server.lanes;

/** What a processor may ask of the server while it works. */
public interface ProcessorContext {
    /** Whether the task was cancelled (or its lease lost): stop and return anything. */
    boolean cancelled();

    /**
     * Reports the next piece of the answer as it is written. A preview only: the result the
     * processor returns stays the truth, and must equal the concatenation of the pieces.
     */
    default void progress(String delta) {}
}
