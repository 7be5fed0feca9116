package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: a worker token made with {@code --lanes} serves those lanes only; to it, another lane
 * and that lane's tasks look unknown (404 not_found, the same answer as a lane or task that does
 * not exist).
 */
class WorkerLanesTest {
    static final String LANES = """
            lanes:
              - name: demo
                processor: demo
                default: true
              - name: ext
                processor: worker
              - name: gpu
                processor: worker
            """;

    @TempDir
    Path dataDir;

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String lastLine(String out) {
        return out.strip().lines().reduce((a, b) -> b).orElseThrow().strip();
    }

    @Test
    void aWorkerLimitedToALaneCannotClaimOrTouchAnotherLanesTasks() {
        server = TestServer.start(
                dataDir, b -> b.auth(AuthMode.TOKEN).lanes(LanesFile.parse("lanes.yaml", LANES, Map.of())));
        String dir = dataDir.toString();
        Http user = server.http().withBearer(TokenUsers.add(dataDir, "ada"));
        String extOut = TokenUsers.run(0, "add", "ext-bot", "--worker", "--lanes", "ext,later-lane", "--data-dir", dir);
        assertThat(extOut).contains("Created worker 'ext-bot'").contains("for the lanes ext,later-lane");
        Http extBot = server.http().withBearer(lastLine(extOut));
        Http anyBot =
                server.http().withBearer(lastLine(TokenUsers.run(0, "add", "any-bot", "--worker", "--data-dir", dir)));
        assertThat(TokenUsers.run(0, "list", "--data-dir", dir))
                .containsPattern("ext-bot\\t\\S+\\tworker\\tlanes=ext,later-lane")
                .containsPattern("any-bot\\t\\S+\\tworker\\n");

        String conversationId = user.createConversation().path("id").asText();
        String gpuTask = user.post(
                        "/api/conversations/" + conversationId + "/messages",
                        Map.of("content", "for the gpu", "lane", "gpu"))
                .json()
                .path("task_id")
                .asText();

        // The other lane looks like a lane that does not exist, word for word.
        Http.Response refused = extBot.post("/api/lanes/gpu/claim", "");
        assertError(refused, 404, "not_found");
        assertThat(refused.body())
                .isEqualTo(extBot.post("/api/lanes/nope/claim", "").body().replace("nope", "gpu"));
        assertThat(extBot.post("/api/lanes/ext/claim", "").status()).isEqualTo(204);

        JsonNode claimed = anyBot.post("/api/lanes/gpu/claim?wait_s=5", "").json();
        assertThat(claimed.path("task_id").asText()).isEqualTo(gpuTask);
        String leaseId = claimed.path("lease_id").asText();
        // Its tasks too: even with the right lease, the answer is an unknown task's.
        String unknown = extBot.post("/api/tasks/no-such-task/heartbeat", Map.of("lease_id", leaseId))
                .body();
        for (String call : new String[] {"heartbeat", "fail", "complete"}) {
            Http.Response r = extBot.post(
                    "/api/tasks/" + gpuTask + "/" + call,
                    Map.of("lease_id", leaseId, "error", "stolen", "content", "stolen"));
            assertError(r, 404, "not_found");
            assertThat(r.body()).isEqualTo(unknown);
        }
        assertThat(user.task(gpuTask).path("status").asText()).isEqualTo("running");

        // Its own lane works end to end.
        String extTask = user.post(
                        "/api/conversations/" + conversationId + "/messages",
                        Map.of("content", "for ext", "lane", "ext"))
                .json()
                .path("task_id")
                .asText();
        JsonNode extClaim = extBot.post("/api/lanes/ext/claim?wait_s=5", "").json();
        assertThat(extClaim.path("task_id").asText()).isEqualTo(extTask);
        String extLease = extClaim.path("lease_id").asText();
        assertThat(extBot.post("/api/tasks/" + extTask + "/heartbeat", Map.of("lease_id", extLease))
                        .status())
                .isEqualTo(200);
        Http.Response done =
                extBot.post("/api/tasks/" + extTask + "/complete", Map.of("lease_id", extLease, "content", "ok"));
        assertThat(done.status()).as(done.body()).isEqualTo(200);

        // The unlimited worker still serves every lane.
        Http.Response gpuDone =
                anyBot.post("/api/tasks/" + gpuTask + "/complete", Map.of("lease_id", leaseId, "content", "done"));
        assertThat(gpuDone.status()).as(gpuDone.body()).isEqualTo(200);
    }

    @Test
    void lanesGoWithWorkersOnlyAndMustBeLaneNames() {
        String dir = dataDir.toString();
        TokenUsers.run(2, "add", "ada", "--lanes", "ext", "--data-dir", dir);
        TokenUsers.run(2, "list", "--lanes", "ext", "--data-dir", dir);
        TokenUsers.run(2, "add", "bot", "--worker", "--lanes", "ext,bad/lane", "--data-dir", dir);
        TokenUsers.run(2, "add", "bot", "--worker", "--lanes", "", "--data-dir", dir);
        TokenUsers.run(2, "add", "bot", "--worker", "--lanes=ext,", "--data-dir", dir);
        assertThat(TokenUsers.run(0, "list", "--data-dir", dir))
                .doesNotContain("ada")
                .doesNotContain("bot");
        TokenUsers.run(0, "add", "bot", "bot2", "--worker", "--lanes=ext", "--data-dir", dir);
        assertThat(TokenUsers.run(0, "list", "--data-dir", dir))
                .contains("bot2\t")
                .containsPattern("bot\\t\\S+\\tworker\\tlanes=ext");
    }
}
