package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.lanes.ModelCatalog;
import dev.lanechat.server.lanes.TokenCounter;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.OpenAiStandIn;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-conversation lane and system prompt (issue 18, protocol.md E15): PATCH and its refusals, the
 * lane remembered by a send and used by the next, the system prompt first in what the OpenAI
 * stand-in receives and in a worker's claim, the context window cut with it, export and import,
 * a lane removed from the lanes file. Runs on SQLite and PostgreSQL; a few seconds.
 */
class ConversationSettingsTest {
    static final int GPT_WINDOW = 400;

    /** One server for the tests that share its lanes (demo, gpt, ext); the removed-lane test starts its own. */
    @TempDir
    static Path sharedDir;

    static final OpenAiStandIn standIn = new OpenAiStandIn();
    static TestServer shared;
    static Http http;

    @BeforeAll
    static void startShared() {
        shared = start(sharedDir, true, null);
        http = shared.http();
    }

    @AfterAll
    static void stopShared() {
        if (shared != null) {
            shared.close();
        }
        standIn.close();
    }

    private static TestServer start(Path dataDir, boolean withExt, String db) {
        String lanes = """
                lanes:
                  - name: demo
                    processor: demo
                    default: true
                  - name: gpt
                    processor: openai
                    base_url: %s
                    model: gpt-4o-mini
                    max_context_tokens: %d
                """.formatted(standIn.baseUrl(), GPT_WINDOW);
        if (withExt) {
            lanes += """
                      - name: ext
                        processor: worker
                    """;
        }
        String file = lanes;
        return TestServer.start(dataDir, b -> {
            b.lanes(LanesFile.parse("lanes.yaml", file, Map.of()));
            return db == null ? b : b.db(db);
        });
    }

    private static Http.Response patch(String id, Object body) {
        return http.request("PATCH", "/api/conversations/" + id, "application/json", Http.bytes(body));
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> map = new HashMap<>(); // allows null values
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void patchSetsAnyOfTitleLaneAndSystemPromptAndEveryReadShowsThem() {
        Http.Response created = http.post(
                "/api/conversations", body("title", "Settings", "lane", "ext", "system_prompt", "Answer in French."));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode c = created.json();
        assertThat(c.path("lane").asText()).isEqualTo("ext");
        assertThat(c.path("system_prompt").asText()).isEqualTo("Answer in French.");
        assertThat(c.path("lane_unavailable").isNull()).isTrue();
        String id = c.path("id").asText();

        // A blank conversation has both null.
        JsonNode plain = http.createConversation();
        assertThat(plain.path("lane").isNull()).isTrue();
        assertThat(plain.path("system_prompt").isNull()).isTrue();

        // Title alone leaves the settings; lane alone leaves the title and the prompt.
        JsonNode renamed = patch(id, body("title", "Renamed")).json();
        assertThat(renamed.path("title").asText()).isEqualTo("Renamed");
        assertThat(renamed.path("lane").asText()).isEqualTo("ext");
        assertThat(renamed.path("system_prompt").asText()).isEqualTo("Answer in French.");
        // Every tab hears of a change: a socket subscribed before it gets conversation.updated.
        Socket tab = shared.socket().subscribe();
        tab.ready();
        Http.Response laneSet = patch(id, body("lane", "gpt"));
        assertThat(laneSet.status()).as(laneSet.body()).isEqualTo(200);
        JsonNode pushed = updateOfType(tab, "conversation.updated");
        assertThat(pushed.path("type").asText()).isEqualTo("conversation.updated");
        assertThat(pushed.path("conversation_id").asText()).isEqualTo(id);
        assertThat(pushed.path("lane").asText()).isEqualTo("gpt");
        assertThat(pushed.path("title").asText()).isEqualTo("Renamed");
        assertThat(pushed.path("system_prompt").asText()).isEqualTo("Answer in French.");
        assertThat(pushed.path("lane_unavailable").isNull()).isTrue();
        assertThat(pushed.path("updated_at").asText())
                .isEqualTo(laneSet.json().path("updated_at").asText());
        tab.close();
        assertThat(laneSet.json().path("lane").asText()).isEqualTo("gpt");
        assertThat(laneSet.json().path("title").asText()).isEqualTo("Renamed");
        assertThat(laneSet.json().path("updated_at").asText())
                .isGreaterThan(c.path("updated_at").asText());

        // The read and the list show what was set.
        JsonNode read = http.conversation(id);
        assertThat(read.path("lane").asText()).isEqualTo("gpt");
        assertThat(read.path("system_prompt").asText()).isEqualTo("Answer in French.");
        JsonNode listed = null;
        for (JsonNode item : http.get("/api/conversations").json()) {
            if (item.path("id").asText().equals(id)) {
                listed = item;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("lane").asText()).isEqualTo("gpt");
        assertThat(listed.path("system_prompt").asText()).isEqualTo("Answer in French.");

        // null clears the lane; null and "" clear the prompt; all three at once.
        JsonNode cleared = patch(id, body("lane", null, "system_prompt", "")).json();
        assertThat(cleared.path("lane").isNull()).isTrue();
        assertThat(cleared.path("system_prompt").isNull()).isTrue();
        JsonNode all = patch(id, body("title", "All", "lane", "demo", "system_prompt", "Be brief."))
                .json();
        assertThat(all.path("title").asText()).isEqualTo("All");
        assertThat(all.path("lane").asText()).isEqualTo("demo");
        assertThat(all.path("system_prompt").asText()).isEqualTo("Be brief.");
        assertThat(patch(id, body("system_prompt", null))
                        .json()
                        .path("system_prompt")
                        .isNull())
                .isTrue();

        // 8 KiB of UTF-8 exactly is taken.
        String longest = "é".repeat(4096);
        JsonNode full = patch(id, body("system_prompt", longest)).json();
        assertThat(full.path("system_prompt").asText()).isEqualTo(longest);
    }

    @Test
    void eachRefusedPatchHasTheContractsErrorAndChangesNothing() {
        String id = http.post("/api/conversations", body("title", "Kept", "lane", "ext", "system_prompt", "Kept."))
                .json()
                .path("id")
                .asText();
        JsonNode before = http.conversation(id);
        long lastEvent = http.events(0).path("last_id").asLong();

        assertError(patch(id, Map.of()), 400, "invalid_request");
        assertError(patch(id, Map.of("colour", "red")), 400, "invalid_request");
        assertError(patch(id, Map.of("lane", "nope")), 400, "invalid_request");
        assertError(patch(id, Map.of("lane", 5)), 400, "invalid_request");
        assertError(patch(id, Map.of("lane", "")), 400, "invalid_request");
        assertError(patch(id, Map.of("lane", List.of("ext"))), 400, "invalid_request");
        assertError(patch(id, Map.of("system_prompt", 5)), 400, "invalid_request");
        assertError(patch(id, Map.of("system_prompt", Map.of())), 400, "invalid_request");
        assertError(patch(id, Map.of("system_prompt", false)), 400, "invalid_request");
        assertError(patch(id, body("title", null)), 400, "invalid_request");
        assertError(patch(id, Map.of("title", 7)), 400, "invalid_request");
        // 4,097 characters, but 8,194 bytes of UTF-8: too long.
        Http.Response tooLong = patch(id, Map.of("system_prompt", "é".repeat(4097)));
        assertError(tooLong, 413, "payload_too_large");
        assertThat(tooLong.json().path("error").path("message").asText()).contains("8 KiB");
        // One bad field refuses the whole PATCH: the good ones are not stored either.
        assertError(patch(id, Map.of("title", "Changed", "lane", "nope")), 400, "invalid_request");
        assertError(patch(id, Map.of("lane", "demo", "system_prompt", "x".repeat(8193))), 413, "payload_too_large");
        assertError(
                http.request("PATCH", "/api/conversations/" + id, "application/json", "{not json".getBytes()),
                400,
                "invalid_request");
        assertError(
                http.request("PATCH", "/api/conversations/" + id, "text/plain", "{}".getBytes()),
                415,
                "unsupported_media_type");
        assertError(patch("no-such-conversation", Map.of("lane", "demo")), 404, "not_found");

        JsonNode after = http.conversation(id);
        assertThat(after.path("title").asText()).isEqualTo("Kept");
        assertThat(after.path("lane").asText()).isEqualTo("ext");
        assertThat(after.path("system_prompt").asText()).isEqualTo("Kept.");
        assertThat(after.path("updated_at").asText())
                .isEqualTo(before.path("updated_at").asText());
        assertThat(http.events(lastEvent).path("events")).isEmpty(); // a refused PATCH tells no tab anything

        // Creating refuses the same way, and creates nothing.
        int count = http.get("/api/conversations").json().size();
        assertError(http.post("/api/conversations", Map.of("lane", "nope")), 400, "invalid_request");
        assertError(http.post("/api/conversations", Map.of("system_prompt", 1)), 400, "invalid_request");
        assertError(
                http.post("/api/conversations", Map.of("system_prompt", "x".repeat(8193))), 413, "payload_too_large");
        assertThat(http.get("/api/conversations").json().size()).isEqualTo(count);
    }

    @Test
    void aSendRemembersItsLaneAndTheNextSendWithoutOneUsesItAndTheClaimCarriesThePrompt() {
        String id = http.createConversation().path("id").asText();
        // No lane set: the server's default.
        JsonNode first = http.send(id, "one");
        assertThat(first.path("lane").asText()).isEqualTo("demo");
        assertThat(http.conversation(id).path("lane").isNull()).isTrue();
        http.awaitTaskEnd(first.path("task_id").asText());

        Http.Response named =
                http.post("/api/conversations/" + id + "/messages", Map.of("content", "two", "lane", "ext"));
        assertThat(named.status()).as(named.body()).isEqualTo(202);
        assertThat(http.conversation(id).path("lane").asText()).isEqualTo("ext");
        JsonNode next = http.send(id, "three");
        assertThat(next.path("lane").asText()).isEqualTo("ext");
        assertThat(http.task(next.path("task_id").asText()).path("lane").asText())
                .isEqualTo("ext");

        // The prompt is read when the task is claimed: set after the send, it is in the claim.
        assertThat(patch(id, Map.of("system_prompt", "You are a worker's guest."))
                        .status())
                .isEqualTo(200);
        JsonNode claim = http.post("/api/lanes/ext/claim?wait_s=5", "").json();
        assertThat(claim.path("task_id").asText())
                .isEqualTo(named.json().path("task_id").asText());
        assertThat(claim.path("content").asText()).isEqualTo("two");
        assertThat(claim.path("system_prompt").asText()).isEqualTo("You are a worker's guest.");
        // A conversation without one: null in the claim.
        String other = http.post("/api/conversations", Map.of("lane", "ext"))
                .json()
                .path("id")
                .asText();
        http.send(other, "no prompt here");
        http.post("/api/lanes/ext/claim?wait_s=5", ""); // "three"
        JsonNode plainClaim = http.post("/api/lanes/ext/claim?wait_s=5", "").json();
        assertThat(plainClaim.path("content").asText()).isEqualTo("no prompt here");
        assertThat(plainClaim.has("system_prompt")).isTrue();
        assertThat(plainClaim.path("system_prompt").isNull()).isTrue();

        // Naming another lane moves it again; the PATCHed lane is used the same way.
        Http.Response back =
                http.post("/api/conversations/" + id + "/messages", Map.of("content", "four", "lane", "demo"));
        assertThat(back.json().path("lane").asText()).isEqualTo("demo");
        assertThat(http.send(id, "five").path("lane").asText()).isEqualTo("demo");
        patch(id, Map.of("lane", "ext"));
        assertThat(http.send(id, "six").path("lane").asText()).isEqualTo("ext");

        // The demo lane says nothing of the system prompt.
        String demo = http.post("/api/conversations", Map.of("system_prompt", "Never say 'You said'."))
                .json()
                .path("id")
                .asText();
        JsonNode done =
                http.awaitTaskEnd(http.send(demo, "hello there").path("task_id").asText());
        assertThat(done.path("result").path("content").asText()).isEqualTo("You said: \"hello there\" (2 words).");
    }

    @Test
    void theOpenAiLaneGetsTheSystemPromptFirstAndItsWindowCutsHistoryBeforeIt() {
        // Two conversations with the same 20 turns, imported on the gpt lane: one with a long prompt.
        String prompt =
                "You are a careful assistant for a harbour office. ".repeat(12).strip();
        ObjectNode file = Http.JSON.createObjectNode().put("format", "lanechat").put("version", 1);
        ArrayNode conversations = file.putArray("conversations");
        for (String systemPrompt : new String[] {null, prompt}) {
            ObjectNode c = conversations.addObject().put("title", "Harbour").put("lane", "gpt");
            c.put("system_prompt", systemPrompt);
            ArrayNode messages = c.putArray("messages");
            for (int i = 1; i <= 10; i++) {
                String question = "Question " + i + ": what is the colour of the sky over the harbour at dawn?";
                messages.addObject().put("role", "user").put("content", question);
                messages.addObject().put("role", "assistant").put("content", "You said: " + question);
            }
        }
        Http.Response imported = http.post("/api/import", file.toString());
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String without = imported.json().path("conversations").get(0).path("id").asText();
        String with = imported.json().path("conversations").get(1).path("id").asText();
        assertThat(http.conversation(with).path("system_prompt").asText()).isEqualTo(prompt);
        assertThat(http.conversation(with).path("lane").asText()).isEqualTo("gpt");

        int seen = standIn.received().size();
        for (String id : List.of(without, with)) {
            JsonNode sent = http.send(id, "And at dusk?"); // no lane: the conversation's (gpt)
            assertThat(sent.path("lane").asText()).isEqualTo("gpt");
            assertThat(http.awaitTaskEnd(sent.path("task_id").asText())
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
        }
        List<OpenAiStandIn.Received> received = standIn.received();
        assertThat(received).hasSize(seen + 2);
        JsonNode plain = received.get(seen).body().path("messages");
        JsonNode prompted = received.get(seen + 1).body().path("messages");

        assertThat(plain.path(0).path("role").asText()).isEqualTo("user");
        assertThat(prompted.path(0).path("role").asText()).isEqualTo("system");
        assertThat(prompted.path(0).path("content").asText()).isEqualTo(prompt);
        assertThat(prompted.path(prompted.size() - 1).path("content").asText()).isEqualTo("And at dusk?");
        for (int i = 1; i < prompted.size(); i++) {
            assertThat(prompted.path(i).path("role").asText()).isNotEqualTo("system");
        }
        // Both within the window; the prompt's tokens cost history turns, the newest kept.
        assertThat(tokens(plain)).isLessThanOrEqualTo(GPT_WINDOW);
        assertThat(tokens(prompted)).isLessThanOrEqualTo(GPT_WINDOW);
        int plainTurns = plain.size() - 1;
        int promptedTurns = prompted.size() - 2;
        assertThat(plainTurns).isLessThan(20);
        assertThat(promptedTurns).isGreaterThan(0).isLessThan(plainTurns);
        assertThat(prompted.path(prompted.size() - 2).toString())
                .isEqualTo(plain.path(plain.size() - 2).toString());

        // A change of the prompt applies to the next answer.
        patch(with, Map.of("system_prompt", "Answer in one word."));
        http.awaitTaskEnd(http.send(with, "And at night?").path("task_id").asText());
        JsonNode third = standIn.received().get(seen + 2).body().path("messages");
        assertThat(third.path(0).path("content").asText()).isEqualTo("Answer in one word.");
    }

    @Test
    void exportCarriesLaneAndSystemPromptAndImportBringsThemBack() {
        String id = http.post(
                        "/api/conversations",
                        body("title", "Carried", "lane", "ext", "system_prompt", "Speak like a sailor."))
                .json()
                .path("id")
                .asText();
        JsonNode export = http.get("/api/conversations/" + id + "/export").json();
        JsonNode c = export.path("conversations").get(0);
        assertThat(c.path("lane").asText()).isEqualTo("ext");
        assertThat(c.path("system_prompt").asText()).isEqualTo("Speak like a sailor.");
        assertThat(http.get("/api/conversations/" + id + "/export?format=markdown")
                        .body())
                .contains("**System prompt:**\n\n> Speak like a sailor.\n");

        Http.Response imported = http.post("/api/import", export.toString());
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        JsonNode copy = http.conversation(
                imported.json().path("conversations").get(0).path("id").asText());
        assertThat(copy.path("lane").asText()).isEqualTo("ext");
        assertThat(copy.path("system_prompt").asText()).isEqualTo("Speak like a sailor.");

        // A prompt over 8 KiB in a file is refused with its place, and nothing is imported.
        ((ObjectNode) export.path("conversations").get(0)).put("system_prompt", "x".repeat(8193));
        Http.Response refused = http.post("/api/import", export.toString());
        assertError(refused, 400, "invalid_request");
        assertThat(refused.json().path("error").path("message").asText()).contains("conversations[0].system_prompt");
    }

    @Test
    void aLaneRemovedFromTheLanesFileFallsBackToTheDefaultAndTheReadSaysSo(@TempDir Path dataDir) {
        // On PostgreSQL, one database for both runs of the server.
        try (PgDatabase db = TestServer.postgres() ? PgDatabase.create() : null) {
            String url = db == null ? null : db.jdbcUrl();
            String id;
            try (TestServer before = start(dataDir, true, url)) {
                id = before.http()
                        .post("/api/conversations", Map.of("lane", "ext"))
                        .json()
                        .path("id")
                        .asText();
            }
            try (TestServer after = start(dataDir, false, url)) { // ext is gone
                Http own = after.http();
                JsonNode read = own.conversation(id);
                assertThat(read.path("lane").isNull()).isTrue();
                assertThat(read.path("lane_unavailable").asText()).isEqualTo("ext");
                assertThat(own.send(id, "still here?").path("lane").asText()).isEqualTo("demo");
                assertError(
                        own.request(
                                "PATCH",
                                "/api/conversations/" + id,
                                "application/json",
                                Http.bytes(Map.of("lane", "ext"))),
                        400,
                        "invalid_request");
                // Setting a lane it offers ends the note.
                JsonNode set = own.request(
                                "PATCH",
                                "/api/conversations/" + id,
                                "application/json",
                                Http.bytes(Map.of("lane", "gpt")))
                        .json();
                assertThat(set.path("lane").asText()).isEqualTo("gpt");
                assertThat(set.path("lane_unavailable").isNull()).isTrue();
            }
        }
    }

    /** The socket's next update of this type (answers of other tests' sends may come first). */
    private static JsonNode updateOfType(Socket socket, String type) {
        for (int i = 0; i < 50; i++) {
            JsonNode data = socket.update().path("data");
            if (data.path("type").asText().equals(type)) {
                return data;
            }
        }
        throw new AssertionError("no " + type + " update");
    }

    /** OpenAI's count of a prompt: 3, then 3 per message plus its role and content. */
    private static int tokens(JsonNode messages) {
        Encoding o200k = ((TokenCounter.Exact) new ModelCatalog().tokenizer("gpt-4o-mini")).encoding();
        int tokens = 3;
        for (JsonNode m : messages) {
            tokens += 3
                    + o200k.countTokensOrdinary(m.path("role").asText())
                    + o200k.countTokensOrdinary(m.path("content").asText());
        }
        return tokens;
    }
}
