// Base of every failure the client reports, so callers can catch one type.
package dev.lanechat.client;

/** A failure talking to a Lanechat server. */
public class LanechatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for people
     * @param cause the underlying failure, or null
     */
    public LanechatException(String message, Throwable cause) {
        super(message, cause);
    }
}
