package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ids of a send's rows: RFC 9562 version-7 UUIDs in their usual text, the time of their making
 * in their first 48 bits (so that later ids sort after earlier ones from one millisecond to the
 * next), and the rest random: no two alike.
 */
class TimeOrderedIdsTest {
    @Test
    void anIdIsAVersionSevenUuidThatCarriesItsMillisecond() {
        long before = System.currentTimeMillis();
        String id = TimeOrderedIds.next();
        long after = System.currentTimeMillis();

        UUID uuid = UUID.fromString(id);
        assertThat(uuid.toString()).isEqualTo(id);
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isBetween(before, after);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterAndNoTwoAreAlike() throws InterruptedException {
        Set<String> seen = new HashSet<>();
        String earlier = TimeOrderedIds.next();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(TimeOrderedIds.next())).isTrue();
        }
        Thread.sleep(2);
        String later = TimeOrderedIds.next();

        assertThat(later).isGreaterThan(earlier);
    }
}
