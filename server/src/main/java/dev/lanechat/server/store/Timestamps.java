package dev.lanechat.server.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one format of stored and wire times: ISO-8601 UTC with exactly six fraction digits
 * (microseconds, issue 15: at thousands of tasks a second, milliseconds tied), so that text order
 * is time order in both databases. Times stored before, with three digits, still sort right
 * against later ones except within their own millisecond.
 *
 * <p>Written by hand, not by a {@link DateTimeFormatter}: each task stamps several times on the
 * store's writer, and the formatter (its field lookups, a BigDecimal for the fraction, the zone
 * rules) was 7 % of the writer's Java samples under scenario 4. The text is the formatter's, digit
 * for digit (TimestampsTest compares them); years outside 1..9999, which the formatter writes with
 * a sign or more digits, are left to it.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z, in epoch seconds: the years written by hand. */
    private static final long FIRST_SECOND = -62_135_596_800L;

    private static final long PAST_LAST_SECOND = 253_402_300_800L;

    private static final int SECONDS_PER_DAY = 86_400;

    /** "yyyy-MM-ddTHH:mm:ss.SSSSSSZ" */
    private static final int LENGTH = 27;

    /** "yyyy-MM-dd" */
    private static final int DAY_LENGTH = 10;

    private Timestamps() {}

    /** {@code instant} as {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ} (UTC, the fraction cut to microseconds). */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds >= PAST_LAST_SECOND) {
            return FORMAT.format(instant);
        }
        byte[] text = new byte[LENGTH];
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        writeDay(text, days);
        text[10] = 'T';
        two(text, 11, secondOfDay / 3600);
        text[13] = ':';
        two(text, 14, secondOfDay / 60 % 60);
        text[16] = ':';
        two(text, 17, secondOfDay % 60);
        text[19] = '.';
        int micros = instant.getNano() / 1000;
        for (int i = 25; i >= 20; i--) {
            text[i] = (byte) ('0' + micros % 10);
            micros /= 10;
        }
        text[26] = 'Z';
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** The UTC day of {@code instant} as {@code yyyy-MM-dd} (ISO_LOCAL_DATE). */
    public static String day(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds >= PAST_LAST_SECOND) {
            return DAY.format(instant);
        }
        byte[] text = new byte[DAY_LENGTH];
        writeDay(text, Math.floorDiv(seconds, SECONDS_PER_DAY));
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes the civil date of {@code epochDay} as yyyy-MM-dd at the start of {@code text}: Howard
     * Hinnant's days-to-civil, in 400-year eras of 146,097 days starting on a 1 March.
     */
    private static void writeDay(byte[] text, long epochDay) {
        long z = epochDay + 719_468; // days since 0000-03-01
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097); // [0, 146096]
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365; // [0, 399]
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // [0, 365], from 1 March
        int shiftedMonth = (5 * dayOfYear + 2) / 153; // [0, 11], March = 0
        int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        two(text, 0, year / 100);
        two(text, 2, year % 100);
        text[4] = '-';
        two(text, 5, month);
        text[7] = '-';
        two(text, 8, day);
    }

    private static void two(byte[] text, int at, int value) {
        text[at] = (byte) ('0' + value / 10);
        text[at + 1] = (byte) ('0' + value % 10);
    }
}
