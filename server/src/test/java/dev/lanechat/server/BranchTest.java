package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.OpenAiStandIn;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestLanes;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Branches (protocol.md E12): a conversation is a tree; a send appends to the chosen path,
 * regenerate adds a sibling answer, edit a sibling user message and its answer; the read shows the
 * chosen path (paged along it); a switch chooses another path and every socket of the user hears
 * of it; a lane is given the path's turns only; each branch keeps its cost and the total counts
 * them all; every bad input is refused with the contract's error and stores nothing.
 */
class BranchTest {
    /** One server for the tests on the demo and worker lanes (each in conversations of its own). */
    @TempDir
    static Path sharedDir;

    static TestServer shared;

    @TempDir
    Path dataDir;

    /** A server of the test's own (another set-up), closed after it. */
    TestServer server;

    final OpenAiStandIn standIn = new OpenAiStandIn();

    @BeforeAll
    static void startShared() {
        shared = TestServer.start(
                sharedDir, b -> b.lanes(TestLanes.demoAndWorker()).sendRate(1_000, 1_000));
    }

    @AfterAll
    static void stopShared() {
        shared.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        standIn.close();
    }

    private Http startDemo() {
        return shared.http();
    }

    @Test
    void sendRegenerateEditAndSwitchShapeTheTreeAndThePath() {
        Http http = startDemo();
        String id = http.createConversation().path("id").asText();
        JsonNode first = http.send(id, "one");
        http.awaitTaskEnd(first.path("task_id").asText());
        JsonNode second = http.send(id, "two");
        http.awaitTaskEnd(second.path("task_id").asText());
        String u1 = first.path("user_message_id").asText();
        String a1 = first.path("message_id").asText();
        String u2 = second.path("user_message_id").asText();
        String a2 = second.path("message_id").asText();

        JsonNode chain = http.conversation(id);
        assertThat(ids(chain)).containsExactly(u1, a1, u2, a2);
        assertThat(parents(chain)).containsExactly(null, u1, a1, u2);
        assertThat(chain.path("leaf_id").asText()).isEqualTo(a2);
        assertThat(chain.path("messages").path(0).path("sibling_ids").toString())
                .isEqualTo("[\"" + u1 + "\"]");

        // Regenerate the second answer: a sibling under the same user message, now the leaf.
        Http.Response regenerated = http.post(regenerate(id, a2), Map.of());
        assertThat(regenerated.status()).as(regenerated.body()).isEqualTo(202);
        JsonNode r = regenerated.json();
        assertThat(r.path("status").asText()).isEqualTo("queued");
        assertThat(r.path("user_message_id").asText()).isEqualTo(u2);
        assertThat(r.path("conversation_id").asText()).isEqualTo(id);
        assertThat(r.path("lane").asText()).isEqualTo("demo");
        String a2b = r.path("message_id").asText();
        assertThat(http.awaitTaskEnd(r.path("task_id").asText()).path("status").asText())
                .isEqualTo("completed");
        JsonNode afterRegenerate = http.conversation(id);
        assertThat(ids(afterRegenerate)).containsExactly(u1, a1, u2, a2b);
        assertThat(afterRegenerate.path("leaf_id").asText()).isEqualTo(a2b);
        assertThat(siblings(afterRegenerate, 3)).containsExactly(a2, a2b);
        assertThat(siblings(afterRegenerate, 2)).containsExactly(u2);
        assertThat(afterRegenerate.path("message_count").asLong()).isEqualTo(5);

        // Edit the first message: a sibling user message with its own answer; the rest stays behind.
        Http.Response edited = http.post(edit(id, u1), Map.of("content", "uno"));
        assertThat(edited.status()).as(edited.body()).isEqualTo(202);
        String u1b = edited.json().path("user_message_id").asText();
        String a1b = edited.json().path("message_id").asText();
        http.awaitTaskEnd(edited.json().path("task_id").asText());
        JsonNode afterEdit = http.conversation(id);
        assertThat(ids(afterEdit)).containsExactly(u1b, a1b);
        assertThat(parents(afterEdit)).containsExactly(null, u1b);
        assertThat(afterEdit.path("messages").path(0).path("content").asText()).isEqualTo("uno");
        // The demo lane (no history) answered the edited message, not the first version.
        assertThat(afterEdit.path("messages").path(1).path("content").asText())
                .contains("\"uno\"")
                .doesNotContain("\"one\"");
        assertThat(siblings(afterEdit, 0)).containsExactly(u1, u1b);
        assertThat(afterEdit.path("message_count").asLong()).isEqualTo(7);

        // A send continues the chosen path.
        JsonNode third = http.send(id, "tres");
        http.awaitTaskEnd(third.path("task_id").asText());
        assertThat(ids(http.conversation(id)))
                .containsExactly(
                        u1b,
                        a1b,
                        third.path("user_message_id").asText(),
                        third.path("message_id").asText());
        assertThat(parents(http.conversation(id)).get(2)).isEqualTo(a1b);

        // Back to the first version: the newest child at each step (the regenerated answer).
        Http.Response switched = http.post("/api/conversations/" + id + "/switch", Map.of("message_id", u1));
        assertThat(switched.status()).as(switched.body()).isEqualTo(200);
        assertThat(ids(switched.json())).containsExactly(u1, a1, u2, a2b);
        assertThat(switched.json().path("leaf_id").asText()).isEqualTo(a2b);
        // To the older answer; the choice is stored.
        http.post("/api/conversations/" + id + "/switch", Map.of("message_id", a2));
        assertThat(ids(http.conversation(id))).containsExactly(u1, a1, u2, a2);

        // Regenerate from the user message: one more answer under it.
        JsonNode underUser =
                http.request("POST", regenerate(id, u2), null, new byte[0]).json();
        http.awaitTaskEnd(underUser.path("task_id").asText());
        JsonNode last = http.conversation(id);
        assertThat(ids(last))
                .containsExactly(u1, a1, u2, underUser.path("message_id").asText());
        assertThat(siblings(last, 3))
                .containsExactly(a2, a2b, underUser.path("message_id").asText());
        assertThat(last.path("message_count").asLong()).isEqualTo(10);
        // Each regenerated answer answers its own user message.
        assertThat(last.path("messages").path(3).path("content").asText()).contains("\"two\"");
        assertThat(afterRegenerate.path("messages").path(3).path("content").asText())
                .contains("\"two\"");
    }

    @Test
    void aRegenerateWithTheSameIdempotencyKeyQueuesOnce() {
        Http http = startDemo();
        String id = http.createConversation().path("id").asText();
        JsonNode sent = http.send(id, "once");
        http.awaitTaskEnd(sent.path("task_id").asText());
        String answer = sent.path("message_id").asText();
        Http.Response a = http.post(regenerate(id, answer), Map.of(), "Idempotency-Key", "k-1");
        Http.Response b = http.post(regenerate(id, answer), Map.of(), "Idempotency-Key", "k-1");
        assertThat(b.status()).isEqualTo(202);
        assertThat(b.json().path("task_id").asText())
                .isEqualTo(a.json().path("task_id").asText());
        // The same key on another request is a conflict.
        assertError(
                http.post(
                        edit(id, sent.path("user_message_id").asText()),
                        Map.of("content", "x"),
                        "Idempotency-Key",
                        "k-1"),
                409,
                "conflict");
        http.awaitTaskEnd(a.json().path("task_id").asText());
        assertThat(http.conversation(id).path("message_count").asLong()).isEqualTo(3);
    }

    @Test
    void aSwitchReachesEverySocketOfTheUserAndTheEventLog() {
        Http http = startDemo();
        String id = http.createConversation().path("id").asText();
        JsonNode sent = http.send(id, "hello");
        http.awaitTaskEnd(sent.path("task_id").asText());
        Socket first = shared.socket().subscribe();
        Socket second = shared.socket().subscribe();
        first.ready();
        second.ready();

        JsonNode r = http.post(regenerate(id, sent.path("message_id").asText()), Map.of())
                .json();
        String regenerated = r.path("message_id").asText();
        for (Socket socket : List.of(first, second)) {
            JsonNode event = switchedEvent(socket, id);
            assertThat(event.path("conversation_id").asText()).isEqualTo(id);
            assertThat(event.path("leaf_id").asText()).isEqualTo(regenerated);
        }
        http.awaitTaskEnd(r.path("task_id").asText());

        Http.Response back = http.post(
                "/api/conversations/" + id + "/switch",
                Map.of("message_id", sent.path("message_id").asText()));
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        for (Socket socket : List.of(first, second)) {
            assertThat(switchedEvent(socket, id).path("leaf_id").asText())
                    .isEqualTo(sent.path("message_id").asText());
        }
        // Durable: a client that was away reads both from the event log.
        List<String> leaves = new ArrayList<>();
        for (JsonNode e : http.events(0).path("events")) {
            if (e.path("data").path("type").asText().equals("conversation.switched")
                    && e.path("data").path("conversation_id").asText().equals(id)) {
                leaves.add(e.path("data").path("leaf_id").asText());
            }
        }
        assertThat(leaves).containsExactly(regenerated, sent.path("message_id").asText());
    }

    @Test
    void theLaneIsGivenThePathOnlyAndEachBranchKeepsItsCost() {
        String lanes = """
                lanes:
                  - name: gpt
                    processor: openai
                    base_url: %s
                    api_key_env: OPENAI_API_KEY
                    model: gpt-4o-mini
                    price_per_million: { input: 1.0, output: 1.0 }
                    timeout_s: 30
                    concurrency: 1
                """.formatted(standIn.baseUrl());
        server = TestServer.start(
                dataDir, b -> b.lanes(LanesFile.parse("lanes.yaml", lanes, Map.of("OPENAI_API_KEY", "sk-test"))));
        Http http = server.http();
        standIn.then(OpenAiStandIn.completion("a1", 100_000, 0))
                .then(OpenAiStandIn.completion("a2", 200_000, 0))
                .then(OpenAiStandIn.completion("a2 edited", 400_000, 0))
                .then(OpenAiStandIn.completion("a1 again", 800_000, 0));
        String id = http.createConversation().path("id").asText();
        JsonNode first = http.send(id, "q1");
        http.awaitTaskEnd(first.path("task_id").asText());
        JsonNode second = http.send(id, "q2");
        http.awaitTaskEnd(second.path("task_id").asText());

        JsonNode edited = http.post(edit(id, second.path("user_message_id").asText()), Map.of("content", "q2 edited"))
                .json();
        assertThat(http.awaitTaskEnd(edited.path("task_id").asText())
                        .path("status")
                        .asText())
                .isEqualTo("completed");
        assertThat(standIn.received().get(2).body().path("messages").toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"q1\"},{\"role\":\"assistant\",\"content\":\"a1\"},"
                        + "{\"role\":\"user\",\"content\":\"q2 edited\"}]");

        JsonNode again = http.post(regenerate(id, first.path("message_id").asText()), Map.of("lane", "gpt"))
                .json();
        assertThat(http.awaitTaskEnd(again.path("task_id").asText())
                        .path("status")
                        .asText())
                .isEqualTo("completed");
        assertThat(standIn.received().get(3).body().path("messages").toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"q1\"}]");

        // Costs: each answer its own; the conversation's total counts all four.
        JsonNode path = http.conversation(id);
        assertThat(path.path("messages").path(1).path("cost_usd").asDouble()).isCloseTo(0.8, within(1e-9));
        assertThat(path.path("total_cost_usd").asDouble()).isCloseTo(1.5, within(1e-9));
        http.post(
                "/api/conversations/" + id + "/switch",
                Map.of("message_id", edited.path("message_id").asText()));
        JsonNode editedPath = http.conversation(id);
        assertThat(editedPath.path("messages").path(1).path("cost_usd").asDouble())
                .isCloseTo(0.1, within(1e-9));
        assertThat(editedPath.path("messages").path(3).path("cost_usd").asDouble())
                .isCloseTo(0.4, within(1e-9));
        assertThat(http.get("/api/conversations")
                        .json()
                        .path(0)
                        .path("total_cost_usd")
                        .asDouble())
                .isCloseTo(1.5, within(1e-9));
    }

    @Test
    void aWorkersClaimCarriesThePathAsItsHistory() {
        Http http = startDemo();
        String id = http.createConversation().path("id").asText();
        JsonNode first = http.send(id, "q1");
        http.awaitTaskEnd(first.path("task_id").asText());
        JsonNode second = http.send(id, "q2");
        http.awaitTaskEnd(second.path("task_id").asText());
        String a1 =
                http.conversation(id).path("messages").path(1).path("content").asText();

        http.post(edit(id, second.path("user_message_id").asText()), Map.of("content", "q2 edited", "lane", "ext"));
        JsonNode claim = http.post("/api/lanes/ext/claim?wait_s=0", "").json();
        assertThat(claim.path("content").asText()).isEqualTo("q2 edited");
        assertThat(claim.path("history").toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"q1\"},{\"role\":\"assistant\",\"content\":"
                        + Http.JSON.valueToTree(a1) + "}]");

        http.post(regenerate(id, first.path("message_id").asText()), Map.of("lane", "ext"));
        JsonNode again = http.post("/api/lanes/ext/claim?wait_s=0", "").json();
        assertThat(again.path("content").asText()).isEqualTo("q1");
        assertThat(again.path("history")).isEmpty();
    }

    @Test
    void theReadPagesAlongTheChosenPath() {
        Http http = startDemo();
        String id = http.createConversation().path("id").asText();
        List<JsonNode> sent = new ArrayList<>();
        for (String text : List.of("one", "two", "three")) {
            JsonNode s = http.send(id, text);
            http.awaitTaskEnd(s.path("task_id").asText());
            sent.add(s);
        }
        JsonNode edited = http.post(edit(id, sent.get(1).path("user_message_id").asText()), Map.of("content", "deux"))
                .json();
        http.awaitTaskEnd(edited.path("task_id").asText());

        JsonNode page = http.get("/api/conversations/" + id + "?limit=2").json();
        assertThat(ids(page))
                .containsExactly(
                        edited.path("user_message_id").asText(),
                        edited.path("message_id").asText());
        assertThat(page.path("has_more").asBoolean()).isTrue();
        assertThat(page.path("message_count").asLong()).isEqualTo(8);
        JsonNode older = http.get("/api/conversations/" + id + "?limit=2&before="
                        + page.path("next_before").asText())
                .json();
        assertThat(ids(older))
                .containsExactly(
                        sent.get(0).path("user_message_id").asText(),
                        sent.get(0).path("message_id").asText());
        assertThat(older.path("has_more").asBoolean()).isFalse();
        assertThat(older.path("next_before").isNull()).isTrue();
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing() {
        server = TestServer.start(
                dataDir,
                b -> b.auth(AuthMode.TOKEN).lanes(TestLanes.demoAndWorker()).sendRate(1_000, 1_000));
        Http anonymous = server.http();
        String[] flags = TokenUsers.storeFlags(server, dataDir);
        Http alice = anonymous.withBearer(TokenUsers.add("alice", flags));
        Http bob = anonymous.withBearer(TokenUsers.add("bob", flags));
        String id = alice.createConversation().path("id").asText();
        JsonNode sent = alice.send(id, "hello");
        alice.awaitTaskEnd(sent.path("task_id").asText());
        String user = sent.path("user_message_id").asText();
        String answer = sent.path("message_id").asText();
        String other = alice.createConversation().path("id").asText();
        JsonNode elsewhere = alice.send(other, "elsewhere");
        alice.awaitTaskEnd(elsewhere.path("task_id").asText());
        // A task on the worker lane stays queued: its answer cannot be regenerated yet.
        JsonNode pending = alice.post(
                        "/api/conversations/" + other + "/messages", Map.of("content", "for a worker", "lane", "ext"))
                .json();

        // Whose and which: another user's conversation, an unknown one, a message of another conversation.
        assertError(bob.post(regenerate(id, answer), Map.of()), 404, "not_found");
        assertError(bob.post(edit(id, user), Map.of("content", "x")), 404, "not_found");
        assertError(bob.post("/api/conversations/" + id + "/switch", Map.of("message_id", answer)), 404, "not_found");
        assertError(alice.post(regenerate("no-such-conversation", answer), Map.of()), 404, "not_found");
        assertError(alice.post(regenerate(id, "no-such-message"), Map.of()), 404, "not_found");
        assertError(alice.post(regenerate(id, elsewhere.path("message_id").asText()), Map.of()), 404, "not_found");
        assertError(
                alice.post(edit(id, elsewhere.path("user_message_id").asText()), Map.of("content", "x")),
                404,
                "not_found");
        assertError(
                alice.post(
                        "/api/conversations/" + id + "/switch",
                        Map.of("message_id", elsewhere.path("message_id").asText())),
                404,
                "not_found");
        // Wrong role: only a user message is edited.
        assertError(alice.post(edit(id, answer), Map.of("content", "x")), 400, "invalid_request");
        // Still being written.
        assertError(alice.post(regenerate(other, pending.path("message_id").asText()), Map.of()), 409, "conflict");
        assertError(alice.post(regenerate(other, pending.path("user_message_id").asText()), Map.of()), 409, "conflict");
        // Bodies: bad JSON, missing or mistyped fields, too much content, an unknown lane.
        byte[] notJson = "{not json".getBytes();
        for (String path : List.of(regenerate(id, answer), edit(id, user), "/api/conversations/" + id + "/switch")) {
            assertError(alice.request("POST", path, "application/json", notJson), 400, "invalid_request");
            assertError(alice.request("POST", path, "text/plain", "x".getBytes()), 415, "unsupported_media_type");
        }
        assertError(alice.post(edit(id, user), Map.of()), 400, "invalid_request");
        assertError(alice.post(edit(id, user), Map.of("content", 7)), 400, "invalid_request");
        assertError(alice.post(edit(id, user), Map.of("content", "x".repeat(40 * 1024))), 413, "payload_too_large");
        assertError(alice.post(edit(id, user), Map.of("content", "x", "lane", "nope")), 400, "invalid_request");
        assertError(alice.post(regenerate(id, answer), Map.of("lane", "nope")), 400, "invalid_request");
        assertError(alice.post("/api/conversations/" + id + "/switch", Map.of()), 400, "invalid_request");
        assertError(
                alice.post("/api/conversations/" + id + "/switch", Map.of("message_id", "no-such")), 404, "not_found");
        assertError(anonymous.post(regenerate(id, answer), Map.of()), 401, "unauthenticated");

        JsonNode after = alice.conversation(id);
        assertThat(after.path("message_count").asLong()).isEqualTo(2);
        assertThat(ids(after)).containsExactly(user, answer);
        assertThat(after.path("leaf_id").asText()).isEqualTo(answer);
        assertThat(alice.conversation(other).path("message_count").asLong()).isEqualTo(4);
    }

    private static String regenerate(String conversationId, String messageId) {
        return "/api/conversations/" + conversationId + "/messages/" + messageId + "/regenerate";
    }

    private static String edit(String conversationId, String messageId) {
        return "/api/conversations/" + conversationId + "/messages/" + messageId + "/edit";
    }

    private static List<String> ids(JsonNode conversation) {
        List<String> out = new ArrayList<>();
        conversation.path("messages").forEach(m -> out.add(m.path("id").asText()));
        return out;
    }

    private static List<String> parents(JsonNode conversation) {
        List<String> out = new ArrayList<>();
        conversation
                .path("messages")
                .forEach(m -> out.add(
                        m.path("parent_id").isNull()
                                ? null
                                : m.path("parent_id").asText()));
        return out;
    }

    private static List<String> siblings(JsonNode conversation, int index) {
        List<String> out = new ArrayList<>();
        conversation.path("messages").path(index).path("sibling_ids").forEach(s -> out.add(s.asText()));
        return out;
    }

    /** The next {@code conversation.switched} update's data on this socket (other updates skipped). */
    private static JsonNode switchedEvent(Socket socket, String conversationId) {
        while (true) {
            JsonNode data = socket.update().path("data");
            if (data.path("type").asText().equals("conversation.switched")
                    && data.path("conversation_id").asText().equals(conversationId)) {
                return data;
            }
        }
    }
}
