package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/search} (protocol.md, E7) on either store: finds a user's messages and titles by
 * word prefix, newest first, with highlights that point at the matched words; never another
 * user's; kept in step with renames, answers and deletes; any query text is a 200 or a clear 400,
 * never a 500; pages walk every hit once.
 */
class SearchTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static Http alice;
    static Http bob;
    static String aliceConversation;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir, b -> b.auth(AuthMode.TOKEN).sendRate(10_000, 10_000).conversationRate(10_000, 10_000));
        alice = server.http().withBearer(TokenUsers.add("alice", storeFlags()));
        bob = server.http().withBearer(TokenUsers.add("bob", storeFlags()));

        aliceConversation = alice.createConversation().path("id").asText();
        alice.awaitTaskEnd(alice.send(aliceConversation, "The quick brown fox jumps over Zanzibar")
                .path("task_id")
                .asText());
        String bobs = bob.createConversation().path("id").asText();
        bob.awaitTaskEnd(bob.send(bobs, "quick silver moves under Zanzibar too")
                .path("task_id")
                .asText());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void findsTheUsersMessageAndItsAnswerByWordPrefixWithHighlights() {
        JsonNode page = search(alice, "QUI zanz");
        List<JsonNode> all = list(page.path("results"));
        // The conversation is named after its first message, so its title matches too.
        assertThat(all)
                .filteredOn(h -> h.path("message_id").isNull())
                .singleElement()
                .satisfies(
                        t -> assertThat(t.path("conversation_title").asText()).startsWith("The quick brown fox"));
        List<JsonNode> hits =
                all.stream().filter(h -> !h.path("message_id").isNull()).toList();
        assertThat(hits).extracting(h -> h.path("role").asText()).containsExactlyInAnyOrder("assistant", "user");
        for (JsonNode hit : all) {
            assertThat(hit.path("conversation_id").asText()).isEqualTo(aliceConversation);
            String snippet = hit.path("snippet").asText();
            assertThat(snippet).doesNotContain("\u0002", "\u0003");
            List<String> marked = new ArrayList<>();
            hit.path("highlights")
                    .forEach(r -> marked.add(
                            snippet.substring(r.get(0).asInt(), r.get(1).asInt())));
            assertThat(marked).extracting(w -> w.toLowerCase(Locale.ROOT)).contains("quick", "zanzibar");
        }
        assertThat(page.path("has_more").asBoolean()).isFalse();
        assertThat(page.path("next_before").isNull()).isTrue();
        // The answer opens the conversation at that message: it is there.
        JsonNode conversation = alice.conversation(aliceConversation);
        Set<String> ids = new HashSet<>();
        conversation.path("messages").forEach(m -> ids.add(m.path("id").asText()));
        hits.forEach(h -> assertThat(ids).contains(h.path("message_id").asText()));
    }

    @Test
    void neverFindsAnotherUsersText() {
        assertThat(search(bob, "fox").path("results")).isEmpty();
        assertThat(list(search(bob, "zanzibar").path("results")))
                .allMatch(h -> !h.path("conversation_id").asText().equals(aliceConversation))
                .isNotEmpty();
        assertThat(list(search(alice, "silver").path("results"))).isEmpty();
    }

    @Test
    void titlesAreFoundAndTheIndexFollowsRenamesAndDeletes() {
        Http carol = server.http().withBearer(TokenUsers.add("carol", storeFlags()));
        String id = carol.createConversation().path("id").asText();
        carol.awaitTaskEnd(carol.send(id, "notes about budgets").path("task_id").asText());
        assertThat(carol.request(
                                "PATCH",
                                "/api/conversations/" + id,
                                "application/json",
                                Http.bytes(java.util.Map.of("title", "Project Quasar")))
                        .status())
                .isEqualTo(200);

        List<JsonNode> titleHits = list(search(carol, "quasar").path("results"));
        assertThat(titleHits).hasSize(1);
        assertThat(titleHits.get(0).path("message_id").isNull()).isTrue();
        assertThat(titleHits.get(0).path("conversation_title").asText()).isEqualTo("Project Quasar");
        assertThat(titleHits.get(0).path("snippet").asText()).isEqualTo("Project Quasar");

        assertThat(carol.request(
                                "PATCH",
                                "/api/conversations/" + id,
                                "application/json",
                                Http.bytes(java.util.Map.of("title", "Renamed")))
                        .status())
                .isEqualTo(200);
        assertThat(search(carol, "quasar").path("results")).isEmpty();
        assertThat(search(carol, "budgets").path("results")).hasSize(2); // the title no longer matches

        assertThat(carol.delete("/api/conversations/" + id).status()).isIn(200, 204);
        assertThat(search(carol, "budgets").path("results")).isEmpty();
        assertThat(search(carol, "renamed").path("results")).isEmpty();
    }

    @Test
    void pagesWalkEveryHitOnceNewestFirst() {
        Http dave = server.http().withBearer(TokenUsers.add("dave", storeFlags()));
        String id = dave.createConversation().path("id").asText();
        for (int i = 0; i < 12; i++) {
            dave.awaitTaskEnd(dave.send(id, "alpha number " + i).path("task_id").asText());
        }
        List<String> seen = new ArrayList<>();
        List<String> times = new ArrayList<>();
        String before = null;
        int pages = 0;
        do {
            JsonNode page = ok(dave.get("/api/search?q=alpha&limit=5" + (before == null ? "" : "&before=" + before)));
            page.path("results").forEach(h -> {
                seen.add(
                        h.path("message_id").isNull()
                                ? "title"
                                : h.path("message_id").asText());
                times.add(h.path("at").asText());
            });
            before =
                    page.path("has_more").asBoolean() ? page.path("next_before").asText() : null;
            pages++;
        } while (before != null && pages < 20);
        // 12 messages, 12 answers and the title ("alpha number 0", from the first message).
        assertThat(seen).hasSize(25).doesNotHaveDuplicates();
        List<String> sorted = new ArrayList<>(times);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertThat(times).isEqualTo(sorted);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void badQueriesAreAClear400() {
        assertError(alice.get("/api/search"), 400, "invalid_request");
        assertError(alice.get("/api/search?q="), 400, "invalid_request");
        assertError(alice.get("/api/search?q=" + enc("   ")), 400, "invalid_request");
        assertError(alice.get("/api/search?q=" + enc("\"*():-^")), 400, "invalid_request");
        assertError(alice.get("/api/search?q=" + enc("a".repeat(1025))), 400, "invalid_request");
        assertError(alice.get("/api/search?q=fox&limit=0"), 400, "invalid_request");
        assertError(alice.get("/api/search?q=fox&limit=101"), 400, "invalid_request");
        assertError(alice.get("/api/search?q=fox&before="), 400, "invalid_request");
        assertError(alice.get("/api/search?q=fox&before=bm9wZQ"), 400, "invalid_request");
        assertError(server.http().get("/api/search?q=fox"), 401, "unauthenticated");
    }

    @Test
    void searchSyntaxIsPlainWordsNeverA500() {
        List<String> hostile = List.of(
                "\"",
                "quick\"",
                "*",
                "quick*",
                "NEAR(quick brown)",
                "quick OR",
                "AND",
                "-quick",
                "quick:brown",
                "(",
                "'",
                "\\",
                "%",
                "quick & | ! <->",
                "fox'; DROP TABLE messages; --",
                "\u00e9t\u00e9",
                "\uD83E\uDD8A fox",
                "col:quick",
                "^quick",
                "quick NOT fox",
                "{quick brown}",
                "quick\u0000fox",
                "\u0002quick\u0003",
                "'quick':*",
                "!!quick",
                "quick brown fox jumps over zanzibar and more words here"
                        + " beyond sixteen one two three four five six seven");
        for (String q : hostile) {
            Http.Response r = alice.get("/api/search?q=" + enc(q));
            assertThat(r.status()).as(q + " -> " + r.body()).isIn(200, 400);
            if (r.status() == 400) {
                assertError(r, 400, "invalid_request");
            }
        }
        // Operators are words: "quick OR" needs both words, "-quick" is just "quick".
        assertThat(search(alice, "quick OR").path("results")).isEmpty();
        assertThat(search(alice, "-quick").path("results")).hasSize(3);
        assertThat(search(alice, "fox'; DROP TABLE messages; --").path("results"))
                .isEmpty();
        assertThat(search(alice, "quick").path("results")).hasSize(3);
    }

    @Test
    void theIndexExistsInTheStore() {
        try (Database store = Database.open(server.dbUrl(), dataDir)) {
            String sql = TestServer.postgres()
                    ? "SELECT COUNT(*) FROM pg_indexes WHERE indexname IN ('messages_search', 'conversations_title_search')"
                    : "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('messages_fts', 'conversations_fts')";
            int found = store.jdbi()
                    .withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
            assertThat(found).isEqualTo(2);
        }
    }

    private static JsonNode search(Http who, String q) {
        return ok(who.get("/api/search?q=" + enc(q)));
    }

    private static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String enc(String q) {
        return URLEncoder.encode(q, StandardCharsets.UTF_8);
    }

    private static String[] storeFlags() {
        return TokenUsers.storeFlags(server, dataDir);
    }
}
