package dev.lanechat.server;

/**
 * A request the services refuse because of what the client sent or asked for. Services throw it
 * without knowing HTTP; {@code api.ApiErrors} turns each reason into the contract's status and
 * code. The message is shown to the person as is: one sentence they can act on.
 */
public final class Rejection extends RuntimeException {

    /** Why, in the contract's terms. */
    public enum Reason { INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, RESET,
        RATE_LIMITED, QUOTA_EXCEEDED, UNAVAILABLE }

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
