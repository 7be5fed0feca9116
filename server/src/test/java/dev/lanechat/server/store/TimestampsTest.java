package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written time format is the formatter's, character for character: at the edges of days,
 * months, leap years and centuries, at the ends of the years it writes itself (1 to 9999) and past
 * them (left to the formatter), and at a million random instants.
 */
class TimestampsTest {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void edgesOfDaysMonthsLeapYearsAndCenturiesAreWrittenAsTheFormatterWritesThem() {
        String[] days = {
            "1970-01-01", "1969-12-31", "2000-02-28", "2000-02-29", "2000-03-01", "1900-02-28", "1900-03-01",
            "2100-02-28", "2100-03-01", "2024-02-29", "2026-12-31", "2027-01-01", "0001-01-01", "0400-02-29",
            "1600-03-01", "9999-12-31"
        };
        for (String day : days) {
            Instant midnight = LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant();
            for (Instant at : new Instant[] {
                midnight,
                midnight.plusNanos(999),
                midnight.plusNanos(1000),
                midnight.plusSeconds(86_399).plusNanos(999_999_999)
            }) {
                assertThat(Timestamps.format(at)).isEqualTo(FORMAT.format(at));
                assertThat(Timestamps.day(at))
                        .isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(ZoneOffset.UTC)));
            }
        }
        assertThat(Timestamps.format(Instant.parse("2026-12-03T06:20:29.129000001Z")))
                .isEqualTo("2026-12-03T06:20:29.129000Z");
    }

    @Test
    void yearsOutsideOneToNineThousandNineHundredNinetyNineAreLeftToTheFormatter() {
        for (Instant at : new Instant[] {
            Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("0000-12-31T23:59:59.999999Z"),
            Instant.parse("-0001-06-01T12:00:00Z")
        }) {
            assertThat(Timestamps.format(at)).isEqualTo(FORMAT.format(at));
            assertThat(Timestamps.day(at))
                    .isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(ZoneOffset.UTC)));
        }
    }

    @Test
    void aMillionRandomInstantsAreWrittenAsTheFormatterWritesThem() {
        SplittableRandom random = new SplittableRandom(15);
        long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long past = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 1_000_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(first, past), random.nextInt(1_000_000_000));
            assertThat(Timestamps.format(at)).isEqualTo(FORMAT.format(at));
        }
    }
}
