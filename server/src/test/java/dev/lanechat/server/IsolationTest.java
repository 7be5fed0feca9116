package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token mode with two users, alice and bob, made by {@code lanechat users add}: bob gets 404
 * {@code not_found} for every one of alice's objects over every HTTP path, never sees her objects in
 * his lists or his events, and his socket never carries her events.
 */
class IsolationTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static Http alice;
    static Http bob;
    static String aliceToken;
    static String bobToken;

    /** Alice's objects: a conversation with a completed task that made a file, and a still-running task. */
    static String conversationId;

    static String taskId;
    static String answerId;
    static String fileId;

    @BeforeAll
    static void start() {
        aliceToken = TokenUsers.add(dataDir, "alice");
        bobToken = TokenUsers.add(dataDir, "bob");
        // A demo delay long enough that a task bob tries to cancel is still pending.
        server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).demoDelay(Duration.ofMillis(300)));
        alice = server.http().withBearer(aliceToken);
        bob = server.http().withBearer(bobToken);

        conversationId = alice.createConversation().path("id").asText();
        JsonNode accepted = alice.send(conversationId, "please attach a file for me");
        taskId = accepted.path("task_id").asText();
        answerId = accepted.path("message_id").asText();
        JsonNode task = alice.awaitTaskEnd(taskId);
        assertThat(task.path("status").asText()).isEqualTo("completed");
        fileId = task.path("result").path("files").get(0).path("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyPathAnswers404ToAnotherUser() {
        String c = "/api/conversations/" + conversationId;
        int messagesBefore = alice.conversation(conversationId).path("messages").size();
        assertError(bob.get(c), 404, "not_found");
        assertError(
                bob.request("PATCH", c, "application/json", Http.bytes(Map.of("title", "mine now"))), 404, "not_found");
        assertError(bob.post(c + "/messages", Map.of("content", "hello from bob")), 404, "not_found");
        // The tree's calls (E12), on alice's first answer and message.
        JsonNode path = alice.conversation(conversationId).path("messages");
        String aliceUser = path.path(0).path("id").asText();
        String aliceAnswer = path.path(1).path("id").asText();
        assertError(bob.post(c + "/messages/" + aliceAnswer + "/regenerate", Map.of()), 404, "not_found");
        assertError(
                bob.post(c + "/messages/" + aliceUser + "/edit", Map.of("content", "edited by bob")), 404, "not_found");
        assertError(bob.post(c + "/switch", Map.of("message_id", aliceUser)), 404, "not_found");
        assertError(bob.get("/api/tasks/" + taskId), 404, "not_found");
        assertError(bob.post("/api/tasks/" + taskId + "/cancel", Map.of()), 404, "not_found");
        assertError(bob.get("/api/files/" + fileId), 404, "not_found");
        assertError(bob.delete(c), 404, "not_found");

        // The same answers as for ids that do not exist at all: nothing leaks.
        String missing = "00000000-0000-0000-0000-000000000000";
        assertThat(bob.get(c).json().path("error").path("message").asText())
                .isEqualTo(bob.get("/api/conversations/" + missing)
                        .json()
                        .path("error")
                        .path("message")
                        .asText());
        assertThat(bob.get("/api/tasks/" + taskId)
                        .json()
                        .path("error")
                        .path("message")
                        .asText())
                .isEqualTo(bob.get("/api/tasks/" + missing)
                        .json()
                        .path("error")
                        .path("message")
                        .asText());

        // And none of bob's tries changed anything of alice's.
        JsonNode conversation = alice.conversation(conversationId);
        assertThat(conversation.path("title").asText()).isNotEqualTo("mine now");
        assertThat(conversation.path("messages")).hasSize(messagesBefore);
        assertThat(conversation.path("leaf_id").asText())
                .isEqualTo(path.path(messagesBefore - 1).path("id").asText());
        assertThat(alice.task(taskId).path("status").asText()).isEqualTo("completed");
        assertThat(alice.get("/api/files/" + fileId).status()).isEqualTo(200);
    }

    @Test
    void cancelOfARunningTaskOfAnotherUserIs404AndLeavesItRunning() {
        // A task that is still queued or running: bob's cancel must not touch it.
        String conversation = alice.createConversation().path("id").asText();
        JsonNode accepted = alice.send(conversation, "still thinking");
        String pending = accepted.path("task_id").asText();
        assertError(bob.post("/api/tasks/" + pending + "/cancel", Map.of()), 404, "not_found");
        assertError(bob.delete("/api/conversations/" + conversation), 404, "not_found");
        assertThat(alice.awaitTaskEnd(pending).path("status").asText()).isEqualTo("completed");
    }

    @Test
    void listsAndEventsShowOnlyTheCallersObjects() {
        String bobsConversation = bob.createConversation().path("id").asText();
        String bobsTask =
                bob.send(bobsConversation, "bob's own message").path("task_id").asText();
        bob.awaitTaskEnd(bobsTask);

        JsonNode bobsList = bob.get("/api/conversations").json();
        assertThat(ids(bobsList, "id")).contains(bobsConversation).doesNotContain(conversationId);
        assertThat(ids(alice.get("/api/conversations").json(), "id"))
                .contains(conversationId)
                .doesNotContain(bobsConversation);

        JsonNode bobsEvents = bob.events(0).path("events");
        List<String> bobsTaskIds = new ArrayList<>();
        bobsEvents.forEach(e -> bobsTaskIds.add(e.path("data").path("task_id").asText()));
        assertThat(bobsTaskIds).contains(bobsTask).doesNotContain(taskId);
        bobsEvents.forEach(
                e -> assertThat(e.path("data").path("conversation_id").asText()).isIn(ids(bobsList, "id")));
        // Event ids are per user: bob's start at 1 whatever alice did.
        assertThat(bobsEvents.get(0).path("id").asLong()).isEqualTo(1);

        JsonNode alicesEvents = alice.events(0).path("events");
        alicesEvents.forEach(
                e -> assertThat(e.path("data").path("task_id").asText()).isNotEqualTo(bobsTask));
    }

    @Test
    void pageCursorsOfAnotherUserShowNothingOfTheirs() {
        // Alice's walk in pages of 1 gives a cursor; in bob's hands it pages bob's own list only.
        alice.createConversation();
        Http.Response alicesFirst = alice.get("/api/conversations?limit=1");
        String cursor = alicesFirst.header("X-Next-Cursor");
        assertThat(cursor).isNotNull();
        String bobsConversation = bob.createConversation().path("id").asText();
        Http.Response bobsPage = bob.get("/api/conversations?limit=200&before=" + cursor);
        assertThat(bobsPage.status()).isEqualTo(200);
        List<String> alicesIds = ids(alice.get("/api/conversations?limit=200").json(), "id");
        assertThat(ids(bobsPage.json(), "id")).doesNotContainAnyElementsOf(alicesIds);
        // Alice's message id as bob's "before" is just not a message of his conversation (400); on
        // alice's conversation bob gets the same 404 as for no conversation at all.
        String alicesMessage = alice.conversation(conversationId)
                .path("messages")
                .path(0)
                .path("id")
                .asText();
        assertError(
                bob.get("/api/conversations/" + bobsConversation + "?before=" + alicesMessage), 400, "invalid_request");
        assertError(bob.get("/api/conversations/" + conversationId + "?before=" + alicesMessage), 404, "not_found");
    }

    @Test
    void bobsLongPollIsNotWokenByAlicesEvents() throws Exception {
        long bobsLast = bob.events(0).path("last_id").asLong();
        CompletableFuture<Http.Response> poll =
                CompletableFuture.supplyAsync(() -> bob.get("/api/events?after=" + bobsLast + "&wait_s=2"));
        String aliceTask = alice.send(conversationId, "alice while bob waits")
                .path("task_id")
                .asText();
        alice.awaitTaskEnd(aliceTask);
        Http.Response answer = poll.get();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("events")).isEmpty();
        assertThat(answer.json().path("last_id").asLong()).isEqualTo(bobsLast);
        // Alice's (higher) event ids are no cursor for bob: too new for him answers 410, not her events.
        long alicesLast = alice.events(0).path("last_id").asLong();
        if (alicesLast > bobsLast) {
            assertError(bob.get("/api/events?after=" + alicesLast), 410, "reset");
        }
    }

    @Test
    void bobsSocketNeverReceivesAlicesEvents() {
        // One socket authenticated by its upgrade header, one by the token in its subscribe frame.
        Socket byHeader = server.socket("Authorization", "Bearer " + bobToken).subscribe();
        long bobsLast = byHeader.ready();
        Socket byFrame = server.socket().send("{\"token\":\"" + bobToken + "\"}");
        assertThat(byFrame.ready()).isEqualTo(bobsLast);
        Socket alicesSocket =
                server.socket("Authorization", "Bearer " + aliceToken).subscribe();
        long alicesLast = alicesSocket.ready();

        String aliceTask = alice.send(conversationId, "for alice's eyes only")
                .path("task_id")
                .asText();
        JsonNode update = alicesSocket.update();
        assertThat(update.path("id").asLong()).isEqualTo(alicesLast + 1);
        assertThat(update.path("data").path("task_id").asText()).isEqualTo(aliceTask);
        byHeader.assertQuiet(Duration.ofMillis(500));
        byFrame.assertQuiet(Duration.ofMillis(1));

        // Bob's own event arrives, with bob's next id.
        String bobsConversation = bob.createConversation().path("id").asText();
        String bobsTask =
                bob.send(bobsConversation, "bob again").path("task_id").asText();
        for (Socket socket : List.of(byHeader, byFrame)) {
            JsonNode mine = socket.update();
            assertThat(mine.path("id").asLong()).isEqualTo(bobsLast + 1);
            assertThat(mine.path("data").path("task_id").asText()).isEqualTo(bobsTask);
        }
        alicesSocket.assertQuiet(Duration.ofMillis(300));

        // A replay from 0 is bob's alone, too.
        Socket replay = server.socket("Authorization", "Bearer " + bobToken).subscribe(0);
        JsonNode frame;
        while (!(frame = replay.nextNonPing()).path("event").asText().equals("ready")) {
            assertThat(frame.path("data").path("task_id").asText())
                    .isNotEqualTo(aliceTask)
                    .isNotEqualTo(taskId);
        }
    }

    @Test
    void idempotencyKeysAreScopedToTheUser() {
        String bobsConversation = bob.createConversation().path("id").asText();
        JsonNode first = alice.send(conversationId, "keyed", "Idempotency-Key", "shared-key-1");
        // The same key from bob is a new send of his, not alice's answer (and not a 409).
        JsonNode bobs = bob.send(bobsConversation, "keyed", "Idempotency-Key", "shared-key-1");
        assertThat(bobs.path("task_id").asText())
                .isNotEqualTo(first.path("task_id").asText());
        assertThat(bobs.path("conversation_id").asText()).isEqualTo(bobsConversation);
    }

    private static List<String> ids(JsonNode array, String field) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.path(field).asText()));
        return ids;
    }
}
