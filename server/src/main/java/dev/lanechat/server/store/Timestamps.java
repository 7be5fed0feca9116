package dev.lanechat.server.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one format of stored and wire times: ISO-8601 UTC with exactly six fraction digits
 * (microseconds, issue 15: at thousands of tasks a second, milliseconds tied), so that text order
 * is time order in both databases. Times stored before, with three digits, still sort right
 * against later ones except within their own millisecond.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
