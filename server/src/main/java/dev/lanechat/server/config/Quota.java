package dev.lanechat.server.config;

/**
 * A user's quotas (issue 20): messages a UTC day and US dollars a UTC calendar month; null is no
 * limit. The server's default comes from {@code --quota-messages-per-day} and
 * {@code --quota-usd-per-month}; an admin may give a user its own.
 */
public record Quota(Long messagesPerDay, Double usdPerMonth) {
    public static final Quota NONE = new Quota(null, null);

    /** This quota's values where it has them, {@code fallback}'s elsewhere. */
    public Quota over(Quota fallback) {
        return new Quota(
                messagesPerDay != null ? messagesPerDay : fallback.messagesPerDay,
                usdPerMonth != null ? usdPerMonth : fallback.usdPerMonth);
    }
}
