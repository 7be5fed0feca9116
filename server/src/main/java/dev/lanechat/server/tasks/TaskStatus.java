package dev.lanechat.server.tasks;

import dev.lanechat.server.conversations.MessageStatus;

/**
 * The lifecycle of a task: queued → running → completed | failed (and running → queued on a
 * retry). The same strings as its answer's {@link MessageStatus}, which mirrors it.
 */
public final class TaskStatus {
    public static final String QUEUED = MessageStatus.QUEUED;
    public static final String RUNNING = MessageStatus.RUNNING;
    public static final String COMPLETED = MessageStatus.COMPLETED;
    public static final String FAILED = MessageStatus.FAILED;
    /** The error of a task that was stopped by its user (or by deleting its conversation). */
    public static final String CANCELLED = MessageStatus.CANCELLED;

    private TaskStatus() {}
}
