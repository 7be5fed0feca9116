package dev.lanechat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of the 100,000-socket run that read what the generators and nodes say: only
 * task.completed receipts are recorded, the reports add up, and a receipt counts as same-node
 * only on the node that took its message. (The run itself is bench/hundred-k.sh.)
 */
class HundredKPartsTest {
    @TempDir
    Path dir;

    @Test
    void aTypedRecorderKeepsOnlyThatTypesUpdates() {
        Recorder r = new Recorder(10, "task.completed");
        r.update(
                3,
                7,
                "{\"event\":\"update\",\"id\":7,\"data\":{\"type\":\"message.created\",\"task_id\":\"t1\"}}",
                100);
        r.update(
                3, 8, "{\"event\":\"update\",\"id\":8,\"data\":{\"type\":\"task.completed\",\"task_id\":\"t1\"}}", 200);
        assertThat(r.size()).isEqualTo(1);
        assertThat(r.eventIds[0]).isEqualTo(Recorder.key(3, 8));
        assertThat(r.taskOfEvent.get(Recorder.key(3, 8))).isEqualTo("t1");
    }

    @Test
    void reportsAddUpAndLatenciesSplitByTheNodeThatTookTheMessage() throws Exception {
        Path f0 = dir.resolve("g0.tsv"), f1 = dir.resolve("g1.tsv");
        Files.write(f0, List.of("0\tta\t1500", "1\ttb\t2900"));
        Files.write(f1, List.of("0\tta\t1800"));
        Deliveries d = new Deliveries();
        d.add(0, "REPORT live=2 completions=2 gaps=1 duplicates=0 closed=0 overflow=0", f0);
        d.add(1, "REPORT live=1 completions=1 gaps=0 duplicates=2 closed=3 overflow=0", f1);
        assertThat(d.received()).isEqualTo(3);
        assertThat(d.gaps()).isEqualTo(1);
        assertThat(d.duplicates()).isEqualTo(2);
        assertThat(d.closed()).isEqualTo(3);
        Deliveries.Latencies lat = d.latencies(Map.of("ta", 0, "tb", 1), Map.of("ta", 1000L, "tb", 2000L));
        // ta taken by node 0: its receipt on generator 0 is same-node (0.5 ms), on 1 cross-node (0.8 ms).
        assertThat(lat.sameNode().count()).isEqualTo(1);
        assertThat(lat.sameNode().ms(0.5)).isEqualTo(0.5);
        assertThat(lat.crossNode().count()).isEqualTo(2);
        assertThat(lat.crossNode().maxMs()).isEqualTo(0.9);
    }

    @Test
    void aLabelLessGaugeIsReadAndAMissingOneIsMinusOne() {
        String page = "# HELP lanechat_sockets_open open WebSocket connections\n"
                + "# TYPE lanechat_sockets_open gauge\nlanechat_sockets_open 16667.0\n";
        assertThat(NodeSample.gauge(page, "lanechat_sockets_open")).isEqualTo(16667);
        assertThat(NodeSample.gauge(page, "lanechat_other")).isEqualTo(-1);
        assertThat(HundredK.field("RAMPED live=16000 failed=667 ms=9", "failed"))
                .isEqualTo(667);
    }
}
