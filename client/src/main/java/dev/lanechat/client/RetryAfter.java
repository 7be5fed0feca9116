// The client's one reader of an HTTP Retry-After header (protocol.md: delta-seconds or an HTTP
// date); LanechatClient puts its value on LanechatApiException, which every caller reads.
package dev.lanechat.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses {@code Retry-After}: integer seconds, or an HTTP date (IMF-fixdate) relative to now. */
final class RetryAfter {
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,18}");

    private RetryAfter() {}

    /**
     * @param header the header's value, or null
     * @param now the time the answer arrived, against which a date is measured
     * @return how long to wait; zero for a date in the past; empty for a missing or unreadable value
     *     (a negative or fractional number, a word)
     */
    static Optional<Duration> parse(String header, Instant now) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (SECONDS.matcher(value).matches()) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }
}
