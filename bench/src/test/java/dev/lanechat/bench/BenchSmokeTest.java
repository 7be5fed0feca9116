package dev.lanechat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of every scenario against Lanechat and both peers, with tiny counts (about a
 * minute in all): each must produce its figures and lose nothing. The full run is bench/run.sh.
 */
class BenchSmokeTest {

    @Test
    void everyScenarioProducesFiguresAndLosesNothing() throws Exception {
        Path jar = Path.of(System.getProperty("lanechat.server.jar", "../server/target/lanechat-server.jar"));
        Path peers = Path.of(System.getProperty("bench.peers.dir", "peers"));
        assertThat(jar).as("the server jar (build the server module first)").exists();
        if (!Files.isDirectory(peers.resolve("node_modules"))) {
            Proc.run(
                    List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", peers.toString()),
                    Duration.ofMinutes(5));
        }
        Path out = Path.of("target", "bench-smoke");
        Bench bench = new Bench(
                Params.smoke(),
                out,
                jar,
                peers,
                "postgresql://127.0.0.1:5432",
                List.of("lanechat", "ws", "socketio"),
                List.of(1, 2, 3, 4, 5),
                System.out::println,
                "BenchSmokeTest");
        bench.run();
        bench.writeResults();

        assertThat(out.resolve("RESULTS.md")).exists();
        for (String png : List.of("push-vs-poll.png", "fan-out.png", "capacity.png", "throughput.png", "storm.png")) {
            assertThat(out.resolve(png)).isNotEmptyFile();
        }
        Table push = bench.tables.get(1);
        assertThat(push.rows).hasSize(6);
        for (Map<String, Object> row : push.rows) {
            assertThat(row.get("delivered")).as(row.get("target").toString()).isEqualTo(20L);
            assertThat((Double) row.get("p50 ms")).isNotNaN();
        }
        // Every one of the 50 sockets subscribed, every submit was taken, and every event reached
        // every socket of its user: "missing" alone counts only the sockets that did subscribe.
        for (Map<String, Object> row : bench.tables.get(2).rows) {
            String what = row.get("target") + " " + row.get("users × sockets each");
            assertThat(row.get("subscribed")).as(what + " subscribed").isEqualTo(50L);
            assertThat(row.get("submits unanswered or failed"))
                    .as(what + " submits unanswered or failed")
                    .isEqualTo(0L);
            assertThat(row.get("missing")).as(what + " missing").isEqualTo(0L);
            assertThat((Long) row.get("delivered")).as(what + " delivered").isPositive();
            assertThat((Double) row.get("p99 ms")).isNotNaN();
        }
        // Both shapes, each against all three targets: many users (token mode) and one user.
        assertThat(bench.tables.get(2).rows.stream().map(r -> r.get("target") + " " + r.get("users × sockets each")))
                .contains(
                        "lanechat-sqlite 50 × 1",
                        "node-ws 50 × 1",
                        "socket.io 50 × 1",
                        "lanechat-sqlite 1 × 50",
                        "node-ws 1 × 50",
                        "socket.io 1 × 50");
        for (Map<String, Object> row : bench.tables.get(3).rows) {
            assertThat(row.get("subscribed at once"))
                    .as(row.get("target").toString())
                    .isEqualTo(50L);
        }
        for (Map<String, Object> row : bench.tables.get(4).rows) {
            assertThat(row.get("events received"))
                    .as(row.get("target").toString())
                    .isEqualTo(30L);
            assertThat((Double) row.get("tasks/s")).isPositive();
        }
        assertThat(bench.tables.get(4).rows.stream().map(r -> r.get("target")))
                .contains("lanechat-sqlite", "node-ws", "socket.io");
        for (Map<String, Object> row : bench.tables.get(5).rows) {
            assertThat(row.get("resumed")).as(row.get("target").toString()).isEqualTo(20L);
            assertThat(row.get("events lost")).as(row.get("target").toString()).isEqualTo(0L);
        }
    }
}
