package dev.lanechat.server.stream;

/** The socket close codes of protocol.md, with the error code sent just before each. */
enum CloseCodes {
    INVALID_FRAME(1007, "invalid_frame"),
    TOO_LARGE(1009, "payload_too_large"),
    SUBSCRIBE_TIMEOUT(4408, "subscribe_timeout"),
    UNAUTHENTICATED(4401, "unauthenticated"),
    OVER_CAPACITY(1013, "over_capacity"),
    FORBIDDEN_ORIGIN(1008, "forbidden_origin"),
    /** The contract names the error but not the close code; 1008 (policy violation) fits. */
    RATE_LIMITED(1008, "rate_limited"),
    SHUTTING_DOWN(1001, "shutting_down"),
    /**
     * The events could not be read (the store is away): closed with no error event, since the
     * client should simply resume with {@code since}; the code is only the close's reason.
     */
    STORE_ERROR(1011, "unavailable");

    final int status;
    final String errorCode;

    CloseCodes(int status, String errorCode) {
        this.status = status;
        this.errorCode = errorCode;
    }
}
