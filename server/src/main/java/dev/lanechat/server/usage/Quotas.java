package dev.lanechat.server.usage;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.config.Quota;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Quotas (issue 20): how many messages a user may have answered a UTC day, and how many US
 * dollars its answers may cost a UTC calendar month. A user's own quota (set by an admin) wins
 * over the server's default, value by value. A send over quota is refused with
 * {@code quota_exceeded} and when the quota resets. Messages count when answered (in the usage
 * ledger), so messages still in flight when the quota is reached are answered and counted.
 */
public final class Quotas {
    private final Jdbi jdbi;
    private final UsageLedger usage;
    private final Quota defaults;
    private final Clock clock;
    /**
     * Users' own quotas as read at most {@link #OWN_TTL_MS} ago, for {@link #admit}: every send
     * read the user's row on a pooled connection (issue 15: 6 % of the server's samples under
     * scenario 4). Dropped here by {@link #setOwn}; another node's change applies within the TTL.
     */
    private final Map<String, CachedQuota> ownCache = new ConcurrentHashMap<>();

    private static final long OWN_TTL_MS = 1_000;
    /** Bounds the cache: past it, it starts again empty (a cache miss costs one read). */
    private static final int OWN_CACHE_MAX = 100_000;

    private record CachedQuota(Quota quota, long readAtMs) {}

    public Quotas(Jdbi jdbi, UsageLedger usage, Quota defaults, Clock clock) {
        this.jdbi = jdbi;
        this.usage = usage;
        this.defaults = defaults;
        this.clock = clock;
    }

    /** Where a user stands: its quota in force, what it used today and this month, and when each resets. */
    public record Standing(
            Quota quota,
            Quota ownQuota,
            UsageDay today,
            UsageDay thisMonth,
            Instant dayResetsAt,
            Instant monthResetsAt) {}

    public Quota defaults() {
        return defaults;
    }

    /** The quota an admin set for this user alone (null values: the default's); empty for no such user. */
    public Optional<Quota> own(String userId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT quota_messages_per_day, quota_usd_per_month FROM users WHERE id = :id")
                .bind("id", userId)
                .map((rs, ctx) -> new Quota(
                        rs.getObject("quota_messages_per_day") == null ? null : rs.getLong("quota_messages_per_day"),
                        rs.getObject("quota_usd_per_month") == null ? null : rs.getDouble("quota_usd_per_month")))
                .findOne());
    }

    /** Sets a user's own quota (null values: the default's); false when there is no such user. */
    public boolean setOwn(String userId, Quota quota) {
        boolean set = jdbi.withHandle(h -> h.createUpdate("UPDATE users SET quota_messages_per_day = :messages, "
                                + "quota_usd_per_month = :usd WHERE id = :id")
                        .bind("messages", quota.messagesPerDay())
                        .bind("usd", quota.usdPerMonth())
                        .bind("id", userId)
                        .execute())
                > 0;
        ownCache.remove(userId); // after the commit: a send that read the old value meanwhile is not kept
        return set;
    }

    public Standing standing(String userId) {
        Instant now = clock.instant();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate monthStart = today.withDayOfMonth(1);
        Quota own = own(userId).orElse(Quota.NONE);
        return new Standing(
                own.over(defaults),
                own,
                usage.total(userId, today, today, UsageLedger.dayOf(now)),
                usage.total(userId, monthStart, today, monthStart.toString().substring(0, 7)),
                today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                monthStart.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /**
     * Refuses a send of {@code userId} over its quota with {@code quota_exceeded}, when it resets
     * and a sentence that says so plainly. Reads nothing when neither quota is set anywhere.
     */
    public void admit(String userId) {
        if (defaults.equals(Quota.NONE) && cachedOwn(userId).equals(Quota.NONE)) {
            return; // no default and none of its own: the common case, with no read most of the time
        }
        Standing s = standing(userId);
        Instant now = clock.instant();
        if (s.quota().messagesPerDay() != null
                && s.today().messages() >= s.quota().messagesPerDay()) {
            throw Rejection.quotaExceeded(
                    "You have used your quota of " + s.quota().messagesPerDay()
                            + (s.quota().messagesPerDay() == 1 ? " message" : " messages")
                            + " a day; you can send again "
                            + when(now, s.dayResetsAt()) + ".",
                    s.dayResetsAt(),
                    millisUntil(now, s.dayResetsAt()));
        }
        if (s.quota().usdPerMonth() != null
                && s.thisMonth().costUsd() >= s.quota().usdPerMonth()) {
            throw Rejection.quotaExceeded(
                    "You have used your quota of $" + money(s.quota().usdPerMonth()) + " a month; you can send again "
                            + when(now, s.monthResetsAt()) + ".",
                    s.monthResetsAt(),
                    millisUntil(now, s.monthResetsAt()));
        }
    }

    /** The user's own quota (NONE for none, or no such user), read at most {@link #OWN_TTL_MS} ago. */
    private Quota cachedOwn(String userId) {
        long now = clock.millis();
        CachedQuota cached = ownCache.get(userId);
        if (cached != null && now - cached.readAtMs() < OWN_TTL_MS && now >= cached.readAtMs()) {
            return cached.quota();
        }
        Quota quota = own(userId).orElse(Quota.NONE);
        if (ownCache.size() >= OWN_CACHE_MAX) {
            ownCache.clear();
        }
        ownCache.put(userId, new CachedQuota(quota, now));
        return quota;
    }

    private static long millisUntil(Instant now, Instant then) {
        return Math.max(1_000, Duration.between(now, then).toMillis());
    }

    /** "at 00:00 UTC on 2026-12-02 (in 1 h 27 min)". */
    static String when(Instant now, Instant then) {
        Duration left = Duration.between(now, then);
        long minutes = Math.max(1, (left.toSeconds() + 59) / 60);
        String in = minutes < 60
                ? minutes + " min"
                : minutes < 48 * 60
                        ? (minutes / 60) + " h " + (minutes % 60) + " min"
                        : ((minutes + 60 * 24 - 1) / (60 * 24)) + " days";
        return "at 00:00 UTC on " + then.atZone(ZoneOffset.UTC).toLocalDate() + " (in " + in + ")";
    }

    static String money(double usd) {
        return String.format(Locale.ROOT, "%.2f", usd);
    }
}
