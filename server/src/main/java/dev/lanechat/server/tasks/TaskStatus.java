package dev.lanechat.server.tasks;

/** The lifecycle of a task: queued → running → completed | failed (and running → queued on a retry). */
public final class TaskStatus {
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    /** The error of a task that was stopped by its user (or by deleting its conversation). */
    public static final String CANCELLED = "cancelled";

    private TaskStatus() {}
}
