package dev.lanechat.server.admin;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Users;
import dev.lanechat.server.config.Quota;
import dev.lanechat.server.usage.Quotas;
import dev.lanechat.server.usage.UsageDay;
import dev.lanechat.server.usage.UsageLedger;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.Jdbi;

/**
 * What the admin API does (issue 20): the users table with each one's usage, creating a user or a
 * worker token, revoking, and setting a user's quota. Knows nothing of HTTP; who may call it is
 * the route's business ({@code Access.ADMIN}).
 */
public final class AdminService {
    private final Jdbi jdbi;
    private final Users users;
    private final Quotas quotas;
    private final UsageLedger usage;
    private final ToIntFunction<String> socketsOpen;
    private final Clock clock;

    /** @param socketsOpen the sockets a user (by id) holds open on this node */
    public AdminService(
            Jdbi jdbi, Users users, Quotas quotas, UsageLedger usage, ToIntFunction<String> socketsOpen, Clock clock) {
        this.jdbi = jdbi;
        this.users = users;
        this.quotas = quotas;
        this.usage = usage;
        this.socketsOpen = socketsOpen;
        this.clock = clock;
    }

    /** A row of the admin page's users table. {@code quota} is the one in force, {@code ownQuota} the user's own. */
    public record UserRow(
            String name,
            String kind,
            String role,
            String createdAt,
            String lastSeenAt,
            boolean revoked,
            int socketsOpen,
            long messagesToday,
            long messagesThisMonth,
            double costUsdThisMonth,
            Quota quota,
            Quota ownQuota) {}

    /** A user or worker just made, with its token: shown this once, stored only hashed. */
    public record Created(String name, String kind, String role, List<String> lanes, String token) {}

    private record Stored(
            String id,
            String name,
            String kind,
            String role,
            String createdAt,
            String lastSeenAt,
            boolean revoked,
            Quota own) {}

    /** Every user and worker, by name, with today's and this month's usage. */
    public List<UserRow> users() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Map<String, UsageDay> day = usage.totals(today, today, today.toString());
        Map<String, UsageDay> month =
                usage.totals(today.withDayOfMonth(1), today, today.toString().substring(0, 7));
        return stored().stream()
                .map(u -> {
                    UsageDay d = day.get(u.id());
                    UsageDay m = month.get(u.id());
                    return new UserRow(
                            u.name(),
                            u.kind(),
                            u.role(),
                            u.createdAt(),
                            u.lastSeenAt(),
                            u.revoked(),
                            socketsOpen.applyAsInt(u.id()),
                            d == null ? 0 : d.messages(),
                            m == null ? 0 : m.messages(),
                            m == null ? 0 : m.costUsd(),
                            u.own().over(quotas.defaults()),
                            u.own());
                })
                .toList();
    }

    private List<Stored> stored() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, kind, role, created_at, last_seen_at, revoked_at, "
                        + "quota_messages_per_day, quota_usd_per_month FROM users ORDER BY name")
                .map((rs, ctx) -> new Stored(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("kind"),
                        rs.getString("role"),
                        rs.getString("created_at"),
                        rs.getString("last_seen_at"),
                        rs.getString("revoked_at") != null,
                        new Quota(
                                rs.getObject("quota_messages_per_day") == null
                                        ? null
                                        : rs.getLong("quota_messages_per_day"),
                                rs.getObject("quota_usd_per_month") == null
                                        ? null
                                        : rs.getDouble("quota_usd_per_month"))))
                .list());
    }

    /**
     * Makes a user (role {@link Users#ROLE_USER} or {@link Users#ROLE_ADMIN}) or a worker (kind
     * {@link Users#WORKER}, optionally for some lanes only), as {@code lanechat users add} does.
     */
    public Created create(String name, String kind, String role, List<String> lanes) {
        try {
            String token = users.add(name, kind, lanes, role);
            return new Created(name, kind, role, lanes, token);
        } catch (IllegalArgumentException e) {
            if (users.find(name).isPresent() && users.whyNotAddable(name) != null) {
                throw Rejection.conflict(
                        "A user called '" + name + "' exists already; revoke it first to issue a new" + " token.");
            }
            throw Rejection.invalid(sentence(e.getMessage()));
        }
    }

    /** Revokes a user's or worker's token and ends its sessions; false when there is no such user. */
    public boolean revoke(String name) {
        return users.revoke(name);
    }

    /** Sets a user's own quota; its row as the table shows it after, or empty when there is no such user. */
    public Optional<UserRow> setQuota(String name, Quota quota) {
        Optional<String> id = users.find(name).map(u -> u.id());
        if (id.isEmpty() || !quotas.setOwn(id.get(), quota)) {
            return Optional.empty();
        }
        return users().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** Everyone's usage by day, from {@code days} days ago to today. */
    public List<UsageLedger.UserDay> usage(int days) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return usage.everyone(today.minusDays(days - 1L), today);
    }

    private static String sentence(String text) {
        String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
