package dev.lanechat.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.events.Event;
import dev.lanechat.server.support.MetricsText;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The push-lag bookkeeping of ServerMetrics: what it records, and what it costs in memory. */
class ServerMetricsTest {
    private final ServerMetrics metrics = new ServerMetrics(() -> 0, List.of(), lane -> 0);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void pushLagIsRecordedForACommittedEventsWritesOnly() {
        Event first = new Event("user-a", 1, "task.completed", "{}");
        Event second = new Event("user-a", 2, "task.completed", "{}");
        Event otherUsers = new Event("user-b", 1, "task.completed", "{}");
        metrics.committed(List.of(first, second));

        metrics.written(first);
        metrics.written(first); // a second socket of the same user
        metrics.written(second);
        metrics.written(otherUsers); // never committed here (another node's, or a replay)
        metrics.written(null); // a frame that is not an update

        assertThat(sample("lanechat_push_lag_seconds_count")).isEqualTo(3);
        assertThat(sample("lanechat_events_committed_total")).isEqualTo(2);
        assertThat(sample("lanechat_events_pushed_total")).isEqualTo(4);
    }

    @Test
    void stampToCommitIsAHistogramOfTheWritesCommitted() {
        metrics.stampToCommit(2_000_000);
        metrics.stampToCommit(3_000_000);

        assertThat(sample("lanechat_store_stamp_to_commit_seconds_count")).isEqualTo(2);
        assertThat(sample("lanechat_store_stamp_to_commit_seconds_sum"))
                .isCloseTo(0.005, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(metrics.scrape()).contains("lanechat_store_stamp_to_commit_seconds_bucket{le=\"0.002097151\"} 1");
    }

    @Test
    void commitTimesTakeTheSameMemoryHoweverManyUsersHaveEvents() {
        commitOneEventForEachOf(1_000); // warms up the classes and the meters
        long before = heapUsedAfterGc();
        commitOneEventForEachOf(20_000);
        long grown = heapUsedAfterGc() - before;

        // 20,000 users' ids are kept (about 1 MB); a ring per user took 256 KB each, 5 GB here.
        assertThat(grown).as("heap grown by committing for 20,000 users").isLessThan(64L << 20);
        assertThat(sample("lanechat_events_committed_total")).isEqualTo(21_000);
    }

    private void commitOneEventForEachOf(int users) {
        for (int i = 0; i < users; i++) {
            Event event = new Event("user-" + i + "-" + users, 1, "task.completed", "{}");
            metrics.committed(List.of(event));
            metrics.written(event);
        }
    }

    private static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private double sample(String name) {
        return MetricsText.value(metrics.scrape(), name);
    }
}
