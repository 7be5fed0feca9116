package dev.lanechat.server.lanes;

/** What a processor may ask of the server while it works. */
public interface ProcessorContext {
    /** Whether the task was cancelled (or its lease lost): stop and return anything. */
    boolean cancelled();
}
