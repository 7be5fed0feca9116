package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export and import (protocol.md E9): a conversation and all of them as Lanechat JSON and as
 * Markdown; that JSON imported back as new conversations of the importer; ChatGPT's
 * conversations.json (a hand-made file in their format: a regenerated branch, hidden system,
 * tool and image parts) imported with its tree, the shown branch chosen; branches round-trip; every malformed file a 400 that names
 * the place, with nothing imported; 1,000 conversations in one file.
 */
class TransferTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static Http alice;
    static Http bob;
    static String conversation;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).sendRate(1_000, 1_000));
        alice = server.http().withBearer(TokenUsers.add("alice", storeFlags()));
        bob = server.http().withBearer(TokenUsers.add("bob", storeFlags()));
        conversation = alice.createConversation().path("id").asText();
        alice.awaitTaskEnd(alice.send(conversation, "Recipe for **bread**, please")
                .path("task_id")
                .asText());
        alice.awaitTaskEnd(alice.send(conversation, "and attach a file with it")
                .path("task_id")
                .asText());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aConversationExportsWholeAndImportsBackAsANewOne() {
        Http.Response r = alice.get("/api/conversations/" + conversation + "/export");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Disposition")).contains("attachment", ".json");
        JsonNode export = r.json();
        assertThat(export.path("format").asText()).isEqualTo("lanechat");
        assertThat(export.path("version").asInt()).isEqualTo(1);
        JsonNode c = export.path("conversations").get(0);
        assertThat(export.path("conversations")).hasSize(1);
        assertThat(c.path("id").asText()).isEqualTo(conversation);
        assertThat(c.path("messages")).hasSize(4);
        assertThat(c.path("messages").get(0).path("content").asText()).isEqualTo("Recipe for **bread**, please");
        assertThat(c.path("messages").get(3).path("files")).hasSize(1);
        assertThat(c.path("messages").get(3).path("files").get(0).path("url").asText())
                .startsWith("/api/files/");

        JsonNode imported = importOk(alice, export.toString());
        assertThat(imported.path("format").asText()).isEqualTo("lanechat");
        String copy = imported.path("conversations").get(0).path("id").asText();
        assertThat(copy).isNotEqualTo(conversation);
        JsonNode read = alice.conversation(copy);
        assertThat(read.path("title").asText()).isEqualTo(c.path("title").asText());
        assertThat(read.path("message_count").asLong()).isEqualTo(4);
        assertThat(read.path("unread_count").asLong()).isZero();
        for (int i = 0; i < 4; i++) {
            JsonNode original = c.path("messages").get(i);
            JsonNode again = read.path("messages").get(i);
            assertThat(again.path("role").asText())
                    .isEqualTo(original.path("role").asText());
            assertThat(again.path("content").asText())
                    .isEqualTo(original.path("content").asText());
            assertThat(again.path("status").asText())
                    .isEqualTo(original.path("status").asText());
            assertThat(again.path("created_at").asText())
                    .isEqualTo(original.path("created_at").asText());
            assertThat(again.path("id").asText())
                    .isNotEqualTo(original.path("id").asText());
        }
        // A round trip of the copy gives the same messages again.
        JsonNode second = alice.get("/api/conversations/" + copy + "/export")
                .json()
                .path("conversations")
                .get(0);
        assertThat(second.path("messages").get(2).path("content"))
                .isEqualTo(c.path("messages").get(2).path("content"));
        // The imported text is searchable at once.
        assertThat(alice.get("/api/search?q=bread").json().path("results").toString())
                .contains(copy);
    }

    @Test
    void everyBranchRoundTripsAndMarkdownShowsTheChosenPath() {
        String id = alice.createConversation().path("id").asText();
        JsonNode first = alice.send(id, "branch question one");
        alice.awaitTaskEnd(first.path("task_id").asText());
        JsonNode second = alice.send(id, "branch question two, first wording");
        alice.awaitTaskEnd(second.path("task_id").asText());
        String base = "/api/conversations/" + id + "/messages/";
        Http.Response regenerated = alice.post(base + first.path("message_id").asText() + "/regenerate", Map.of());
        assertThat(regenerated.status()).as(regenerated.body()).isEqualTo(202);
        alice.awaitTaskEnd(regenerated.json().path("task_id").asText());
        // Back to the first answer's branch, then edit its second question: three branches in all.
        alice.post(
                "/api/conversations/" + id + "/switch",
                Map.of("message_id", second.path("message_id").asText()));
        Http.Response edited = alice.post(
                base + second.path("user_message_id").asText() + "/edit",
                Map.of("content", "branch question two, second wording"));
        assertThat(edited.status()).as(edited.body()).isEqualTo(202);
        alice.awaitTaskEnd(edited.json().path("task_id").asText());

        JsonNode original = alice.get("/api/conversations/" + id + "/export")
                .json()
                .path("conversations")
                .get(0);
        assertThat(original.path("messages")).hasSize(7);
        assertThat(original.path("leaf_id").asText())
                .isEqualTo(edited.json().path("message_id").asText());
        assertThat(original.path("messages").get(0).path("parent_id").isNull()).isTrue();

        String copy = importOk(alice, "{\"format\":\"lanechat\",\"version\":1,\"conversations\":[" + original + "]}")
                .path("conversations")
                .get(0)
                .path("id")
                .asText();
        JsonNode again = alice.get("/api/conversations/" + copy + "/export")
                .json()
                .path("conversations")
                .get(0);
        assertThat(tree(again)).isEqualTo(tree(original));
        assertThat(again.path("total_cost_usd").asDouble())
                .isEqualTo(original.path("total_cost_usd").asDouble());
        // The copy reads along the same chosen path, and its versions switch as the original's.
        assertThat(contents(alice.conversation(copy))).isEqualTo(contents(alice.conversation(id)));
        assertThat(alice.conversation(copy).path("messages").get(2).path("sibling_ids"))
                .hasSize(2);
        String copyFirstUser =
                alice.conversation(copy).path("messages").get(0).path("id").asText();
        alice.post("/api/conversations/" + copy + "/switch", Map.of("message_id", copyFirstUser));
        alice.post(
                "/api/conversations/" + id + "/switch",
                Map.of("message_id", first.path("user_message_id").asText()));
        assertThat(contents(alice.conversation(copy))).isEqualTo(contents(alice.conversation(id)));

        // Markdown: the chosen path only (here the regenerated answer's branch, one question).
        String md = alice.get("/api/conversations/" + id + "/export?format=markdown")
                .body();
        assertThat(md).contains("branch question one").doesNotContain("branch question two");
    }

    /** A conversation's tree as (role, content, index of the parent) per message, and the leaf's index. */
    private static List<String> tree(JsonNode exported) {
        List<String> ids = new ArrayList<>();
        exported.path("messages").forEach(m -> ids.add(m.path("id").asText()));
        List<String> out = new ArrayList<>();
        for (JsonNode m : exported.path("messages")) {
            out.add(m.path("role").asText() + "|" + m.path("content").asText() + "|"
                    + ids.indexOf(m.path("parent_id").asText(null)) + "|"
                    + m.path("cost_usd").asText());
        }
        out.add("leaf " + ids.indexOf(exported.path("leaf_id").asText()));
        return out;
    }

    private static List<String> contents(JsonNode conversation) {
        List<String> out = new ArrayList<>();
        conversation
                .path("messages")
                .forEach(m -> out.add(
                        m.path("role").asText() + ": " + m.path("content").asText()));
        return out;
    }

    @Test
    void markdownAndTheWholeAccountExport() {
        Http.Response md = alice.get("/api/conversations/" + conversation + "/export?format=markdown");
        assertThat(md.status()).isEqualTo(200);
        assertThat(md.header("Content-Type")).startsWith("text/markdown");
        assertThat(md.header("Content-Disposition")).contains(".md");
        assertThat(md.body())
                .contains("## You", "Recipe for **bread**, please", "## Assistant (demo)", "](/api/files/");

        JsonNode all = alice.get("/api/export").json();
        List<String> ids = new ArrayList<>();
        all.path("conversations").forEach(c -> ids.add(c.path("id").asText()));
        assertThat(ids).contains(conversation);
        assertThat(alice.get("/api/export?format=markdown").body()).contains("# ");
        assertError(alice.get("/api/export?format=pdf"), 400, "invalid_request");
    }

    @Test
    void anotherUserCannotExportIt() {
        assertError(bob.get("/api/conversations/" + conversation + "/export"), 404, "not_found");
        assertThat(bob.get("/api/export").json().path("conversations").toString())
                .doesNotContain(conversation);
        assertError(server.http().get("/api/export"), 401, "unauthenticated");
    }

    @Test
    void chatGptsExportImportsTheShownBranch() throws IOException {
        Http carol = server.http().withBearer(TokenUsers.add("carol", storeFlags()));
        JsonNode imported = importOk(carol, resource("transfer/chatgpt-conversations.json"));
        assertThat(imported.path("format").asText()).isEqualTo("chatgpt");
        assertThat(imported.path("conversations")).hasSize(2);
        String id = imported.path("conversations").get(0).path("id").asText();
        JsonNode read = carol.conversation(id);
        assertThat(read.path("title").asText()).isEqualTo("Sourdough starter help");
        assertThat(read.path("created_at").asText()).startsWith("2024-04-24T23:06:40.123");
        List<String> lines = new ArrayList<>();
        read.path("messages")
                .forEach(m -> lines.add(
                        m.path("role").asText() + ": " + m.path("content").asText()));
        assertThat(lines)
                .containsExactly(
                        "user: How often should I feed my sourdough starter?",
                        "assistant: Feed it once a day at room temperature.",
                        "user: And in the fridge?",
                        "assistant: Once a week is enough in the fridge.");
        assertThat(read.path("messages").get(1).path("model").asText()).isEqualTo("gpt-4o");
        // The tree is kept: the regenerated answer is a version of the shown one, oldest first.
        assertThat(read.path("message_count").asLong()).isEqualTo(5);
        JsonNode versions = read.path("messages").get(1).path("sibling_ids");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(1).asText())
                .isEqualTo(read.path("messages").get(1).path("id").asText());
        JsonNode older = carol.post(
                        "/api/conversations/" + id + "/switch",
                        Map.of("message_id", versions.get(0).asText()))
                .json();
        assertThat(older.path("messages")).hasSize(2);
        assertThat(older.path("messages").get(1).path("content").asText())
                .isEqualTo("An older answer that was regenerated.");
        assertThat(carol.conversation(
                                imported.path("conversations").get(1).path("id").asText())
                        .path("message_count")
                        .asLong())
                .isZero();
    }

    @Test
    void malformedFilesNameWhatIsWrongAndImportNothing() {
        String daveToken = TokenUsers.add("dave", storeFlags());
        Http dave = server.http().withBearer(daveToken);
        String good = "{\"role\":\"user\",\"content\":\"fine\"}";
        List<String[]> cases = List.of(
                new String[] {"{\"format\":\"other\"}", "neither a Lanechat export"},
                new String[] {"42", "neither a Lanechat export"},
                new String[] {"{\"format\":\"lanechat\",\"version\":2,\"conversations\":[]}", "version"},
                new String[] {"{\"format\":\"lanechat\",\"version\":1,\"conversations\":{}}", "conversations"},
                new String[] {
                    "{\"format\":\"lanechat\",\"version\":1,\"conversations\":[{\"messages\":[" + good + "]},"
                            + "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}]}",
                    "conversations[1].messages[0].role"
                },
                new String[] {
                    "{\"format\":\"lanechat\",\"version\":1,\"conversations\":[{\"messages\":["
                            + "{\"role\":\"user\",\"content\":7}]}]}",
                    "messages[0].content"
                },
                new String[] {
                    "{\"format\":\"lanechat\",\"version\":1,\"conversations\":[{\"created_at\":\"yesterday\","
                            + "\"messages\":[]}]}",
                    "conversations[0].created_at"
                },
                new String[] {
                    "{\"format\":\"lanechat\",\"version\":1,\"conversations\":[{\"messages\":["
                            + "{\"role\":\"user\",\"content\":\"a\\u0000b\"}]}]}",
                    "NUL"
                },
                new String[] {"[{\"mapping\":{},\"current_node\":\"gone\"}]", "[0].mapping[\"gone\"]"},
                new String[] {
                    "[{\"mapping\":{\"a\":{\"parent\":\"b\"},\"b\":{\"parent\":\"a\"}},\"current_node\":\"a\"}]",
                    "cycle"
                },
                new String[] {"[{\"mapping\":{\"a\":{\"parent\":null}}}]", "current_node"},
                new String[] {"[{\"mapping\":[],\"current_node\":\"a\"}]", "[0].mapping"},
                new String[] {
                    "[{\"mapping\":{\"a\":{\"parent\":null}},\"current_node\":\"a\",\"create_time\":\"noon\"}]",
                    "create_time"
                });
        for (String[] c : cases) {
            Http.Response r =
                    dave.request("POST", "/api/import", "application/json", c[0].getBytes(StandardCharsets.UTF_8));
            assertError(r, 400, "invalid_request");
            assertThat(r.json().path("error").path("message").asText()).as(c[0]).contains(c[1]);
        }
        assertError(
                dave.request("POST", "/api/import", "application/json", "{not json".getBytes()),
                400,
                "invalid_request");
        assertError(dave.request("POST", "/api/import", "text/plain", "[]".getBytes()), 415, "unsupported_media_type");
        assertError(dave.request("POST", "/api/import", "application/json", new byte[0]), 400, "invalid_request");
        assertThat(headersOnlyAnswer(daveToken, 32 * 1024 * 1024 + 1))
                .startsWith("HTTP/1.1 413")
                .contains("payload_too_large");
        assertThat(dave.get("/api/conversations").json()).isEmpty();
    }

    @Test
    void aThousandConversationsImportInOneFile() {
        Http erin = server.http().withBearer(TokenUsers.add("erin", storeFlags()));
        ObjectNode file = Http.JSON.createObjectNode().put("format", "lanechat").put("version", 1);
        ArrayNode conversations = file.putArray("conversations");
        for (int i = 0; i < 1000; i++) {
            ObjectNode c = conversations.addObject().put("title", "Imported " + i);
            c.putArray("messages")
                    .add(Http.JSON.createObjectNode().put("role", "user").put("content", "question " + i))
                    .add(Http.JSON.createObjectNode().put("role", "assistant").put("content", "answer " + i));
        }
        long started = System.nanoTime();
        JsonNode imported = importOk(erin, file.toString());
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf(
                "TransferTest [%s]: 1,000 conversations (2,000 messages) imported in %d ms%n",
                TestServer.storeName(), ms);
        assertThat(imported.path("conversations")).hasSize(1000);
        assertThat(erin.get("/api/conversations?limit=200").json()).hasSize(200);
        assertThat(erin.get("/api/search?q=answer&limit=100")
                        .json()
                        .path("has_more")
                        .asBoolean())
                .isTrue();
    }

    /** Sends only the headers of an import of {@code length} bytes; the answer must come before any body. */
    private static String headersOnlyAnswer(String token, long length) {
        try (java.net.Socket tcp = new java.net.Socket("127.0.0.1", server.port())) {
            tcp.setSoTimeout(5_000);
            tcp.getOutputStream()
                    .write(("POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                                    + "Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                                    + length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            StringBuilder answer = new StringBuilder();
            InputStream in = tcp.getInputStream();
            while (!answer.toString().contains("}}")) {
                int b = in.read();
                assertThat(b).as("the answer so far: " + answer).isNotNegative();
                answer.append((char) b);
            }
            return answer.toString();
        } catch (IOException e) {
            throw new AssertionError("no answer before the body: " + e);
        }
    }

    private static JsonNode importOk(Http who, String body) {
        Http.Response r = who.request("POST", "/api/import", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TransferTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String[] storeFlags() {
        return TokenUsers.storeFlags(server, dataDir);
    }
}
