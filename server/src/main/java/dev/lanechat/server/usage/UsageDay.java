package dev.lanechat.server.usage;

/**
 * What one user used on one UTC day ({@code day} is YYYY-MM-DD), or summed over a range of days
 * ({@code day} is then its first day, or the month YYYY-MM): answered messages, the tokens the
 * lanes reported, and their cost.
 */
public record UsageDay(String day, long messages, long promptTokens, long completionTokens, double costUsd) {
    static UsageDay empty(String day) {
        return new UsageDay(day, 0, 0, 0, 0);
    }
}
