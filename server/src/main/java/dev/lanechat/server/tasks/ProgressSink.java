package dev.lanechat.server.tasks;

/**
 * Where the partial output of running tasks goes (the sockets of the task's user). Partial output
 * is never stored: a client that misses it gets the whole answer with the task's final event.
 */
public interface ProgressSink {
    /** {@code delta} follows the first {@code offset} UTF-16 code units of the task's answer. */
    void progress(Claim task, String delta, int offset);

    /** The processor returned: send what is still waiting now, and nothing of this task after. */
    void ended(String taskId);

    ProgressSink NONE = new ProgressSink() {
        @Override
        public void progress(Claim task, String delta, int offset) {}

        @Override
        public void ended(String taskId) {}
    };
}
