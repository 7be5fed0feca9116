package dev.lanechat.server;

/**
 * A request the services refuse because of what the client sent or asked for. Services throw it
 * without knowing HTTP; each {@link Reason} carries the contract's status and code (the one error
 * table), which {@code api.ApiErrors} writes. The message is shown to the person as is: one
 * sentence they can act on.
 */
public final class Rejection extends RuntimeException {

    /** Why, in the contract's terms: the one table of HTTP status and error code (protocol.md). */
    public enum Reason {
        INVALID(400, "invalid_request"),
        UNAUTHENTICATED(401, "unauthenticated"),
        FORBIDDEN(403, "forbidden"),
        NOT_FOUND(404, "not_found"),
        METHOD_NOT_ALLOWED(405, "method_not_allowed"),
        CONFLICT(409, "conflict"),
        RESET(410, "reset"),
        TOO_LARGE(413, "payload_too_large"),
        UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
        RATE_LIMITED(429, "rate_limited"),
        /** A user's quota is used up (issue 20); after RATE_LIMITED, so that forStatus(429) stays rate_limited. */
        QUOTA_EXCEEDED(429, "quota_exceeded"),
        INTERNAL(500, "internal"),
        UNAVAILABLE(503, "unavailable");

        private final int status;
        private final String code;

        Reason(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }

        /**
         * The reason for a status that Javalin or Jetty decided (a 404 with no route, a 405): the
         * row with that status, else {@code internal} for 5xx and {@code invalid_request} below.
         */
        public static Reason forStatus(int status) {
            for (Reason r : values()) {
                if (r.status == status) {
                    return r;
                }
            }
            return status >= 500 ? INTERNAL : INVALID;
        }
    }

    private final Reason reason;
    private final long retryAfterMs;
    private final java.time.Instant resetsAt;

    public Rejection(Reason reason, String message) {
        this(reason, message, 0, null);
    }

    private Rejection(Reason reason, String message, long retryAfterMs, java.time.Instant resetsAt) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterMs = retryAfterMs;
        this.resetsAt = resetsAt;
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#QUOTA_EXCEEDED}: when the quota resets; null for every other reason. */
    public java.time.Instant resetsAt() {
        return resetsAt;
    }

    /** For {@link Reason#RATE_LIMITED} and {@link Reason#QUOTA_EXCEEDED}: how long the client should wait. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    public static Rejection rateLimited(String message, long retryAfterMs) {
        return new Rejection(Reason.RATE_LIMITED, message, retryAfterMs, null);
    }

    /** A user's quota is used up until {@code resetsAt} (429 {@code quota_exceeded}, issue 20). */
    public static Rejection quotaExceeded(String message, java.time.Instant resetsAt, long retryAfterMs) {
        return new Rejection(Reason.QUOTA_EXCEEDED, message, retryAfterMs, resetsAt);
    }

    public static Rejection invalid(String message) {
        return new Rejection(Reason.INVALID, message);
    }

    /** The request comes from a place this server does not answer (a foreign Host or Origin). */
    public static Rejection forbidden(String message) {
        return new Rejection(Reason.FORBIDDEN, message);
    }

    public static Rejection notFound(String what) {
        return new Rejection(Reason.NOT_FOUND, "No " + what + " with that id.");
    }

    public static Rejection conflict(String message) {
        return new Rejection(Reason.CONFLICT, message);
    }

    public static Rejection tooLarge(String message) {
        return new Rejection(Reason.TOO_LARGE, message);
    }
}
