package dev.lanechat.server.conversations;

/**
 * The status of a message: a user's message is {@link #COMPLETED}; an answer has the status of the
 * task that writes it (the tasks package's {@code TaskStatus} names these same strings), so that a
 * conversation read shows each answer's progress without a join.
 */
public final class MessageStatus {
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    /** The error of an answer whose task was stopped by its user (or by deleting its conversation). */
    public static final String CANCELLED = "cancelled";

    private MessageStatus() {}
}
