// Against the real server: the worker API's calls through the client's HTTP layer, a lane name
// that must be percent-encoded to stay one path segment, and the protocol's errors as exceptions.
package dev.lanechat.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lanechat.client.LanechatApiException;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatConnectionException;
import dev.lanechat.client.SendReceipt;
import dev.lanechat.client.ServerProcess;
import dev.lanechat.client.Task;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerApiServerTest {
    @TempDir
    static Path dir;

    private static ServerProcess server;
    private static LanechatClient api;
    private static WorkerApi worker;

    @BeforeAll
    static void startServer() throws Exception {
        Path lanes = dir.resolve("lanes.yaml");
        Files.writeString(lanes, """
        lanes:
          - name: demo
            processor: demo
            default: true
          - name: ext.v1
            processor: worker
        """);
        server = new ServerProcess("--lanes", lanes.toString(), "--lease-s", "5").start(0);
        api = LanechatClient.builder().url(server.url()).build();
        worker = new WorkerApi(api);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void claimsHeartbeatsAndCompletesATaskAndThenTheLeaseIsLost() throws Exception {
        String conversation = api.createConversation(null).id();
        SendReceipt sent = api.sendMessage(conversation, "hello worker", "ext.v1", null);

        WorkerApi.Claimed claimed = worker.claim("ext.v1", 5).orElseThrow();
        assertThat(claimed.taskId()).isEqualTo(sent.taskId());
        assertThat(claimed.content()).isEqualTo("hello worker");
        assertThat(claimed.conversationId()).isEqualTo(conversation);
        assertThat(claimed.leaseExpiresAt()).isAfter(Instant.now());
        assertThat(worker.heartbeat(claimed)).isAfterOrEqualTo(claimed.leaseExpiresAt());

        byte[] file = "HELLO\n".getBytes(StandardCharsets.UTF_8);
        worker.complete(
                claimed,
                "HELLO WORKER",
                "test-worker",
                0.5,
                List.of(new WorkerApi.OutFile("a.txt", "text/plain", file)));
        Task done = api.task(sent.taskId());
        assertThat(done.status()).isEqualTo("completed");
        assertThat(done.result().content()).isEqualTo("HELLO WORKER");
        assertThat(api.downloadFile(done.result().files().get(0).id())).isEqualTo(file);

        // The task has ended: its lease is gone.
        assertThat(catchThrowableOfType(() -> worker.heartbeat(claimed), WorkerApi.LeaseLost.class))
                .hasCauseInstanceOf(LanechatApiException.class);
        assertThat(catchThrowableOfType(() -> worker.fail(claimed, "late", false), WorkerApi.LeaseLost.class))
                .isNotNull();
    }

    @Test
    void aClaimListsTheMessagesFilesAndTheWorkerDownloadsThemWhileItHoldsTheTask() throws Exception {
        String conversation = api.createConversation(null).id();
        byte[] log = "boom\n".getBytes(StandardCharsets.UTF_8);
        String upload = api.uploadFile("app.log", "text/plain", log).id();
        SendReceipt sent = api.sendMessage(conversation, "why?", "ext.v1", null, List.of(upload));

        WorkerApi.Claimed claimed = worker.claim("ext.v1", 5).orElseThrow();
        assertThat(claimed.taskId()).isEqualTo(sent.taskId());
        assertThat(claimed.content()).isEqualTo("why?\n\nFile: app.log\n```\nboom\n```");
        assertThat(claimed.files()).hasSize(1);
        WorkerApi.InFile file = claimed.files().get(0);
        assertThat(file.name()).isEqualTo("app.log");
        assertThat(file.kind()).isEqualTo("text");
        assertThat(file.size()).isEqualTo(log.length);
        assertThat(worker.download(file)).isEqualTo(log);

        worker.complete(claimed, "because", "test-worker", 0, List.of());
        LanechatApiException gone = catchThrowableOfType(() -> worker.download(file), LanechatApiException.class);
        assertThat(gone.status()).isEqualTo(404);
    }

    @Test
    void anEmptyLaneAnswersNothingAfterTheWait() {
        assertThat(worker.claim("ext.v1", 0)).isEmpty();
    }

    @Test
    void aLaneNameIsSentAsOneEncodedPathSegment() {
        // Unencoded, "?" would start the query and "#" a fragment, and a space is not a URI at all:
        // the server would see another path (or nothing). Encoded, it sees exactly this name.
        for (String name : List.of("no such lane?wait_s=0#x", "größe&co", "ext.v1 ")) {
            LanechatApiException e = catchThrowableOfType(() -> worker.claim(name, 0), LanechatApiException.class);
            assertThat(e).as(name).isNotNull();
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.code()).isEqualTo("not_found");
            assertThat(e.getMessage()).contains("No lane '" + name + "'");
        }
    }

    @Test
    void aLaneServedInsideTheServerIsAConflictAndAnUnreachableServerAConnectionFailure() {
        LanechatApiException conflict = catchThrowableOfType(() -> worker.claim("demo", 0), LanechatApiException.class);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo("conflict");

        WorkerApi nobody = new WorkerApi(URI.create("http://127.0.0.1:" + ServerProcess.freePort()), null);
        assertThat(catchThrowableOfType(() -> nobody.claim("ext.v1", 0), LanechatConnectionException.class))
                .hasMessageContaining("cannot reach Lanechat");
    }
}
