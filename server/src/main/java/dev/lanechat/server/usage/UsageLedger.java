package dev.lanechat.server.usage;

import dev.lanechat.server.lanes.ProcessorResult;
import dev.lanechat.server.store.BatchEnd;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.DirectStatement;
import dev.lanechat.server.store.Timestamps;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The usage table (issue 20): one row per user per UTC day of answered messages, tokens and cost.
 * {@link #record} runs inside the transaction that completes a task, so the count commits with
 * the completion or not at all: a kill -9 can neither lose it nor count it twice (a retried task
 * completes once, guarded by its lease). The count is written at the end of the writer's batch
 * (store's BatchEnd, after the events), one statement per user and day for the whole batch: on
 * PostgreSQL the row is held from there to the commit, not from the batch's first completion.
 */
public final class UsageLedger {
    /** After the event log's: every batch end takes users' rows first, then their usage rows. */
    public static final int BATCH_END_RANK = 1;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

    /** Adds to a user's day (store's DirectStatement: plain JDBC on the writer, once per completion, issue 15). */
    private static final DirectStatement ADD = DirectStatement.of(
            "INSERT INTO usage_daily (user_id, day, messages, prompt_tokens, completion_tokens, cost_usd) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, day) DO UPDATE SET "
                    + "messages = usage_daily.messages + excluded.messages, "
                    + "prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens, "
                    + "completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens, "
                    + "cost_usd = usage_daily.cost_usd + excluded.cost_usd");

    private final Jdbi jdbi;
    private final BatchEnd<Answered> counts;

    public UsageLedger(Database database) {
        this.jdbi = database.jdbi();
        this.counts = database.batchEnd(BATCH_END_RANK, UsageLedger::write);
    }

    /** One answered message's usage: what {@link #record} adds for its transaction. */
    private record Answered(String userId, String day, long messages, long prompt, long completion, double cost) {
        Answered plus(Answered other) {
            return new Answered(
                    userId,
                    day,
                    messages + other.messages,
                    prompt + other.prompt,
                    completion + other.completion,
                    cost + other.cost);
        }
    }

    /** The UTC day of {@code at}, as the table keys it. */
    public static String dayOf(Instant at) {
        return Timestamps.day(at);
    }

    /** Counts one answered message of {@code userId} in {@code h}'s transaction (the completing one). */
    public void record(Handle h, String userId, ProcessorResult result, Instant at) {
        counts.add(
                h,
                new Answered(
                        userId,
                        dayOf(at),
                        1,
                        Math.max(0, result.promptTokens()),
                        Math.max(0, result.completionTokens()),
                        Math.max(0, result.costUsd())));
    }

    /** Adds a transaction's counts to their rows, one statement per user and day, in that order. */
    private static void write(Handle h, List<Answered> answered) {
        Map<String, Answered> byRow = new TreeMap<>(); // "user day": the rows in one order
        for (Answered a : answered) {
            byRow.merge(a.userId() + " " + a.day(), a, Answered::plus);
        }
        for (Answered a : byRow.values()) {
            ADD.update(h, s -> {
                s.setString(1, a.userId());
                s.setString(2, a.day());
                s.setLong(3, a.messages());
                s.setLong(4, a.prompt());
                s.setLong(5, a.completion());
                s.setDouble(6, a.cost());
            });
        }
    }

    /** One user's days from {@code from} to {@code to} (inclusive) that have usage, newest first. */
    public List<UsageDay> days(String userId, LocalDate from, LocalDate to) {
        return jdbi.withHandle(h -> h.createQuery("SELECT day, messages, prompt_tokens, completion_tokens, cost_usd "
                        + "FROM usage_daily WHERE user_id = :user AND day >= :from AND day <= :to ORDER BY day DESC")
                .bind("user", userId)
                .bind("from", DAY.format(from))
                .bind("to", DAY.format(to))
                .map((rs, ctx) -> new UsageDay(
                        rs.getString("day"),
                        rs.getLong("messages"),
                        rs.getLong("prompt_tokens"),
                        rs.getLong("completion_tokens"),
                        rs.getDouble("cost_usd")))
                .list());
    }

    /** One user's usage summed from {@code from} to {@code to}, labelled {@code label}. */
    public UsageDay total(String userId, LocalDate from, LocalDate to, String label) {
        // A range of the primary key (user_id, day): cheap enough for every send's quota check.
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(messages), 0) AS messages, "
                        + "COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens, "
                        + "COALESCE(SUM(completion_tokens), 0) AS completion_tokens, "
                        + "COALESCE(SUM(cost_usd), 0) AS cost_usd "
                        + "FROM usage_daily WHERE user_id = :user AND day >= :from AND day <= :to")
                .bind("user", userId)
                .bind("from", DAY.format(from))
                .bind("to", DAY.format(to))
                .map((rs, ctx) -> new UsageDay(
                        label,
                        rs.getLong("messages"),
                        rs.getLong("prompt_tokens"),
                        rs.getLong("completion_tokens"),
                        rs.getDouble("cost_usd")))
                .one());
    }

    /** Every user's usage summed from {@code from} to {@code to}, by user id (users without any are absent). */
    public Map<String, UsageDay> totals(LocalDate from, LocalDate to, String label) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT user_id, SUM(messages) AS messages, "
                                + "SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, "
                                + "SUM(cost_usd) AS cost_usd FROM usage_daily WHERE day >= :from AND day <= :to GROUP BY user_id")
                .bind("from", DAY.format(from))
                .bind("to", DAY.format(to))
                .map((rs, ctx) -> Map.entry(
                        rs.getString("user_id"),
                        new UsageDay(
                                label,
                                rs.getLong("messages"),
                                rs.getLong("prompt_tokens"),
                                rs.getLong("completion_tokens"),
                                rs.getDouble("cost_usd"))))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** A day of one user, by name, for the admin's view of everyone's usage. */
    public record UserDay(
            String user, String day, long messages, long promptTokens, long completionTokens, double costUsd) {}

    /** Every user's days from {@code from} to {@code to}, newest first, then by user name. */
    public List<UserDay> everyone(LocalDate from, LocalDate to) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.name, d.day, d.messages, d.prompt_tokens, "
                        + "d.completion_tokens, d.cost_usd FROM usage_daily d JOIN users u ON u.id = d.user_id "
                        + "WHERE d.day >= :from AND d.day <= :to ORDER BY d.day DESC, u.name")
                .bind("from", DAY.format(from))
                .bind("to", DAY.format(to))
                .map((rs, ctx) -> new UserDay(
                        rs.getString("name"),
                        rs.getString("day"),
                        rs.getLong("messages"),
                        rs.getLong("prompt_tokens"),
                        rs.getLong("completion_tokens"),
                        rs.getDouble("cost_usd")))
                .list());
    }
}
