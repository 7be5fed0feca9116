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
   * The connection status changed.
   *
   * @param status the new status
   */
  default void onStatus(ConnectionStatus status) {}
}
