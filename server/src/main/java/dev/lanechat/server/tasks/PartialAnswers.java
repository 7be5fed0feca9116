package dev.lanechat.server.tasks;

import java.util.Optional;

/**
 * The text that tasks running on this node have streamed so far (issue 18): kept in memory only,
 * bounded, from a task's first delta until its run on this node is over. It lets a cancel keep
 * what was written and lets a read show a running answer's text so far.
 */
public interface PartialAnswers {
    /** The text task {@code taskId} has streamed so far on this node; empty when it streams nothing here. */
    Optional<String> textSoFar(String taskId);

    /**
     * Ends the stream of task {@code taskId} where it is (it was stopped): no later delta is kept
     * or sent. Returns the text so far, as {@link #textSoFar}; calling it again returns the same.
     */
    Optional<String> stop(String taskId);

    PartialAnswers NONE = new PartialAnswers() {
        @Override
        public Optional<String> textSoFar(String taskId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> stop(String taskId) {
            return Optional.empty();
        }
    };
}
