// Unit tests of the progress offset rule and of its bounded memory: beyond its limit the tracker
// forgets the OLDEST task (the one heard from least recently), never an arbitrary one.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTrackerTest {
    private static final ProgressTracker.Verdict DELIVER = new ProgressTracker.Deliver();
    private static final ProgressTracker.Verdict DROP = new ProgressTracker.Drop();

    @Test
    void deliversContiguousDeltasReportsAGapOnceAndRestartsAtZero() {
        ProgressTracker t = new ProgressTracker();
        assertThat(t.frame("t", 0, 4)).isEqualTo(DELIVER);
        assertThat(t.frame("t", 4, 2)).isEqualTo(DELIVER);
        assertThat(t.frame("t", 9, 1)).isEqualTo(new ProgressTracker.Gap(6));
        assertThat(t.frame("t", 10, 1)).isEqualTo(DROP);
        assertThat(t.frame("t", 0, 3)).isEqualTo(DELIVER);
        assertThat(t.frame("t", 3, 1)).isEqualTo(DELIVER);
        assertThat(t.frame("late", 7, 1)).isEqualTo(new ProgressTracker.Gap(0));
    }

    @Test
    void afterItsOutcomeATasksFramesAreDropped() {
        ProgressTracker t = new ProgressTracker();
        t.frame("t", 0, 3);
        t.ended("t");
        assertThat(t.frame("t", 3, 3)).isEqualTo(DROP);
        assertThat(t.frame("t", 0, 3)).isEqualTo(DROP);
        assertThat(t.following()).isZero();
    }

    @Test
    void beyondItsLimitItForgetsTheTaskHeardFromLeastRecently() {
        ProgressTracker t = new ProgressTracker(3);
        t.frame("a", 0, 1);
        t.frame("b", 0, 1);
        t.frame("c", 0, 1);
        t.frame("a", 1, 1); // a was first in, but is now the most recent: b is the oldest
        t.frame("d", 0, 1);
        assertThat(t.following()).isEqualTo(3);
        assertThat(t.frame("a", 2, 1)).isEqualTo(DELIVER);
        assertThat(t.frame("c", 1, 1)).isEqualTo(DELIVER);
        assertThat(t.frame("d", 1, 1)).isEqualTo(DELIVER);
        // b was forgotten: its next frame looks like joining mid-stream.
        assertThat(t.frame("b", 1, 1)).isEqualTo(new ProgressTracker.Gap(0));
    }

    @Test
    void ofManyTasksOnlyTheOldestIsForgotten() {
        // Many ids, so that an arbitrary (hash-ordered) eviction would hit another one.
        int limit = 64;
        ProgressTracker t = new ProgressTracker(limit);
        for (int i = 0; i <= limit; i++) {
            assertThat(t.frame("task-" + i, 0, 5)).isEqualTo(DELIVER);
        }
        for (int i = 1; i <= limit; i++) {
            assertThat(t.frame("task-" + i, 5, 5)).as("task-" + i).isEqualTo(DELIVER);
        }
        assertThat(t.frame("task-0", 5, 5)).isEqualTo(new ProgressTracker.Gap(0));
    }

    @Test
    void theMemoryOfEndedTasksIsBoundedToo() {
        ProgressTracker t = new ProgressTracker(2);
        t.ended("x");
        t.ended("y");
        t.ended("z");
        assertThat(t.frame("y", 0, 1)).isEqualTo(DROP);
        assertThat(t.frame("z", 0, 1)).isEqualTo(DROP);
        assertThat(t.frame("x", 0, 1)).isEqualTo(DELIVER); // the oldest end was forgotten
    }
}
