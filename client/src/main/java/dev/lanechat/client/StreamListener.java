// Callbacks of a LanechatStream; every method has a no-op default so callers override what they need.
package dev.lanechat.client;

/**
 * Receives what a {@link LanechatStream} hears. Callbacks run on the stream's single event
 * thread, one at a time and in order: return quickly and do not block on the stream there.
 */
public interface StreamListener {
    /**
     * A user event: every {@code update} (once, duplicates dropped) and every {@code progress}.
     *
     * @param event the event
     */
    default void onEvent(Event event) {}

    /**
     * The server could not replay from our {@code since} (its store was replaced or the log was
     * pruned): refetch state over HTTP.
     */
    default void onReset() {}

    /**
     * The socket is subscribed; the replay, if any, has been delivered.
     *
     * @param lastId the newest event id of the user, per the server
     */
    default void onReady(long lastId) {}

    /**
     * The server sent an {@code error} event (it will close the socket next).
     *
     * @param code e.g. {@code unauthenticated}, {@code over_capacity}
     * @param message its explanation
     * @param retryAfterMs how long it asked us to wait, or 0
     */
    default void onError(String code, String message, long retryAfterMs) {}

    /**
     * A tracked task ended; called exactly once per task tracked by {@link LanechatStream#send} or
     * {@link LanechatStream#track}.
     *
     * @param outcome how it ended
     */
    default void onTaskOutcome(TaskOutcome outcome) {}

    /**
     * Live partial output of a running task (a {@code progress} frame), for any task of the user.
     * Deltas arrive in order and contiguous: {@code offset} (in UTF-16 code units, as {@link
     * String#length()} counts) equals the length of everything delivered before for this task, so
     * concatenating the deltas rebuilds the answer so far. An {@code offset} of 0 after earlier
     * deltas means the task started over (a re-run after a server restart): drop what you had.
     * The preview is not the truth: the task's outcome carries the whole committed content.
     *
     * @param taskId the task
     * @param messageId the assistant message it fills
     * @param delta the new text
     * @param offset UTF-16 code units of the answer before {@code delta}
     */
    default void onProgress(String taskId, String messageId, String delta, long offset) {}

    /**
     * A {@code progress} frame of a task did not continue where the delivered text ends (a frame
     * was missed, e.g. the socket reconnected mid-stream, or the stream was joined mid-way): the
     * text so far is incomplete and no further {@link #onProgress} comes for this task (unless it
     * starts over at offset 0). Wait for its outcome, which has the whole content. Called once per
     * gap.
     *
     * @param taskId the task
     * @param expectedOffset the length delivered so far (0 when nothing was)
     * @param offset the offset of the frame that did not fit
     */
    default void onProgressGap(String taskId, long expectedOffset, long offset) {}

    /**
     * The connection status changed.
     *
     * @param status the new status
     */
    default void onStatus(ConnectionStatus status) {}
}
