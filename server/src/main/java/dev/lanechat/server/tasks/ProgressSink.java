package dev.lanechat.server.tasks;

/**
 * Where the partial output of running tasks goes (the sockets of the task's user). Partial output
 * is never stored durably: a client that misses it gets the whole answer with the task's final
 * event; while the task runs, the node that runs it keeps its text so far ({@link PartialAnswers}).
 */
public interface ProgressSink {
    /**
     * The task begins its run on this node. From now on a stop seals its stream even before its
     * first delta: without this, a cancel that commits between the claim and the first delta found
     * no stream to seal, and the deltas that followed were shown and kept after the cancel.
     */
    default void started(Claim task) {}

    /** {@code delta} follows the first {@code offset} UTF-16 code units of the task's answer. */
    void progress(Claim task, String delta, int offset);

    /** The processor returned: send what is still waiting now, and nothing of this task after. */
    void ended(String taskId);

    /**
     * The processor returned an answer, which its final event will carry whole: send nothing more
     * of this task, not even what is still waiting (a preview that the answer replaces at once).
     * A stop that still wins sends what waited first, as after any other end.
     */
    default void answered(String taskId) {
        ended(taskId);
    }

    /** The task's run on this node is over (its end committed, or it was given up): forget its text. */
    default void released(String taskId) {}

    ProgressSink NONE = new ProgressSink() {
        @Override
        public void progress(Claim task, String delta, int offset) {}

        @Override
        public void ended(String taskId) {}
    };
}
