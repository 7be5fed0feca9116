package dev.lanechat.server.api;

import dev.lanechat.server.auth.User;
import dev.lanechat.server.store.Timestamps;
import dev.lanechat.server.usage.Quotas;
import dev.lanechat.server.usage.UsageDay;
import dev.lanechat.server.usage.UsageLedger;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/usage}: the caller's own usage by day, this month's, its quota and when it resets (issue 20). */
final class UsageHandlers {
    private final UsageLedger usage;
    private final Quotas quotas;
    private final Clock clock;

    UsageHandlers(UsageLedger usage, Quotas quotas, Clock clock) {
        this.usage = usage;
        this.quotas = quotas;
        this.clock = clock;
    }

    void own(Context ctx) {
        User user = CurrentUser.get(ctx);
        int days = AdminHandlers.days(ctx);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<UsageDay> byDay = usage.days(user.id(), today.minusDays(days - 1L), today);
        Quotas.Standing standing = quotas.standing(user.id());
        Map<String, Object> quota = new LinkedHashMap<>();
        quota.put("messages_per_day", standing.quota().messagesPerDay());
        quota.put("usd_per_month", standing.quota().usdPerMonth());
        quota.put("day_resets_at", Timestamps.format(standing.dayResetsAt()));
        quota.put("month_resets_at", Timestamps.format(standing.monthResetsAt()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user.name());
        body.put("today", standing.today());
        body.put("this_month", standing.thisMonth());
        body.put("quota", quota);
        body.put("days", byDay);
        ctx.json(body);
    }
}
