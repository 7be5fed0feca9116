// The server could not be reached at all (refused, timed out, reset): no HTTP answer.
package dev.lanechat.client;

/** No answer from the server: it is down, unreachable, or the connection broke. */
public class LanechatConnectionException extends LanechatException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the server's URL
     * @param cause the I/O failure
     */
    public LanechatConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
