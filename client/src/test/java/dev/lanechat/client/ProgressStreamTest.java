// Unit tests of progress frames in the stream (manual clock, scripted transport): contiguous
// deltas reach onProgress, a gap is reported once and silences the task, offset 0 restarts it,
// frames after the outcome are dropped.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProgressStreamTest {
    private final ScriptedStream scripted = new ScriptedStream();
    private final List<String> progress = scripted.seen.progress;
    private final List<String> gaps = scripted.seen.gaps;

    @BeforeEach
    void connect() {
        scripted.transport.accept = true;
        scripted.startAndAwaitAttempts(1);
        scripted.transport.last().frame("{\"event\":\"ready\",\"data\":{\"last_id\":0}}");
        scripted.clock.drain();
    }

    @AfterEach
    void tearDown() {
        scripted.close();
    }

    private void frame(String task, String delta, long offset) {
        scripted.transport
                .last()
                .frame("{\"event\":\"progress\",\"data\":{\"task_id\":\"" + task + "\",\"message_id\":\"m\","
                        + "\"delta\":\"" + delta + "\",\"offset\":" + offset + "}}");
        scripted.clock.drain();
    }

    @Test
    void contiguousDeltasAreDeliveredInOrderCountingUtf16Units() {
        frame("t", "smile \\ud83d\\ude00", 0); // 6 + 2 UTF-16 units
        frame("t", " more", 8);
        frame("u", "other task", 0);
        assertThat(progress).containsExactly("t@0:smile \uD83D\uDE00", "t@8: more", "u@0:other task");
        assertThat(gaps).isEmpty();
        assertThat(scripted.seen.events)
                .extracting(Event::event)
                .containsOnly("progress")
                .hasSize(3);
    }

    @Test
    void aGapIsReportedOnceAndSilencesTheTaskUntilItStartsOver() {
        frame("t", "one ", 0);
        frame("t", "three ", 8); // "two " at 4 was missed
        frame("t", "four", 14);
        assertThat(progress).containsExactly("t@0:one ");
        assertThat(gaps).containsExactly("t expected 4 got 8");
        frame("t", "again", 0); // a re-run after a restart streams from the start
        frame("t", "!", 5);
        assertThat(progress).containsExactly("t@0:one ", "t@0:again", "t@5:!");
    }

    @Test
    void joiningMidStreamIsAGap() {
        frame("t", "middle", 40);
        assertThat(progress).isEmpty();
        assertThat(gaps).containsExactly("t expected 0 got 40");
    }

    @Test
    void framesAfterTheOutcomeAreDropped() {
        frame("t", "abc", 0);
        scripted.transport
                .last()
                .frame("{\"event\":\"update\",\"id\":1,\"data\":{\"type\":\"task.completed\",\"task_id\":\"t\","
                        + "\"conversation_id\":\"c\",\"message_id\":\"m\",\"lane\":\"demo\","
                        + "\"result\":{\"content\":\"abcdef\",\"model\":\"demo\",\"cost_usd\":0,\"files\":[]}}}");
        scripted.clock.drain();
        frame("t", "def", 3);
        assertThat(progress).containsExactly("t@0:abc");
        assertThat(gaps).isEmpty();
    }
}
