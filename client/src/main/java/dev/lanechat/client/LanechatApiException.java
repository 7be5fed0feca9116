// The server answered with a non-2xx status and the protocol's error body.
package dev.lanechat.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The server refused a request. Carries the HTTP status and the protocol's {@code error.code}
 * (e.g. {@code not_found}, {@code invalid_request}, {@code rate_limited}).
 */
public class LanechatApiException extends LanechatException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Duration retryAfter;

    /**
     * @param status the HTTP status
     * @param code the machine code of the error body
     * @param message the error body's message
     * @param retryAfter the {@code Retry-After} header, or null
     */
    public LanechatApiException(int status, String code, String message, Duration retryAfter) {
        super(message, null);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the protocol's {@code error.code} */
    public String code() {
        return code;
    }

    /** @return how long the server asked to wait, when it said */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        return "LanechatApiException[" + status + " " + code + ": " + getMessage() + "]";
    }
}
