package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.OpenAiStandIn;
import dev.lanechat.server.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attachments (protocol.md E14) over real HTTP: uploads and each refusal, the demo naming them, text
 * files as fenced blocks and images as vision parts in what the OpenAI stand-in receives, the
 * refusal on a lane without vision, a worker's claim and download, and the delete with the
 * conversation.
 */
class AttachmentsTest {
    /** A 1×1 PNG. */
    static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    @TempDir
    Path dataDir;

    final OpenAiStandIn standIn = new OpenAiStandIn();
    TestServer server;
    Http http;

    @BeforeEach
    void start() {
        String lanes = """
                lanes:
                  - name: demo
                    processor: demo
                    default: true
                  - name: ext
                    processor: worker
                  - name: eyes
                    processor: openai
                    base_url: %1$s
                    model: gpt-4o-mini
                    vision: true
                  - name: plain
                    processor: openai
                    base_url: %1$s
                    model: gpt-4o-mini
                """.formatted(standIn.baseUrl());
        server = TestServer.start(dataDir, b -> b.lanes(LanesFile.parse("lanes.yaml", lanes, Map.of())));
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
        standIn.close();
    }

    private Http.Response upload(String name, String contentType, byte[] data) {
        return http.request(
                "POST", "/api/uploads?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), contentType, data);
    }

    private JsonNode uploaded(String name, String contentType, byte[] data) {
        Http.Response r = upload(name, contentType, data);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private Http.Response send(String conversationId, String content, String lane, List<String> attachments) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("content", content);
        if (lane != null) {
            body.put("lane", lane);
        }
        body.put("attachments", attachments);
        return http.post("/api/conversations/" + conversationId + "/messages", body);
    }

    private String headersOnlyAnswer(long length) {
        try (java.net.Socket tcp = new java.net.Socket("127.0.0.1", server.port())) {
            tcp.setSoTimeout(5_000);
            tcp.getOutputStream()
                    .write(("POST /api/uploads?name=big.png HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Content-Type: image/png\r\nContent-Length: " + length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            StringBuilder answer = new StringBuilder();
            java.io.InputStream in = tcp.getInputStream();
            while (!answer.toString().contains("}}")) {
                int b = in.read();
                assertThat(b).as("the answer so far: " + answer).isNotNegative();
                answer.append((char) b);
            }
            return answer.toString();
        } catch (java.io.IOException e) {
            throw new AssertionError("no answer before the body: " + e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoNamesTheFilesTheUserMessageListsThemAndTheyDownload() {
        JsonNode image = uploaded("cat.png", "image/png", PNG);
        assertThat(image.path("kind").asText()).isEqualTo("image");
        assertThat(image.path("content_type").asText()).isEqualTo("image/png");
        assertThat(image.path("size").asLong()).isEqualTo(PNG.length);
        assertThat(image.path("url").asText())
                .isEqualTo("/api/files/" + image.path("id").asText());
        // A text file known by its extension when the browser says only octet-stream.
        JsonNode notes = uploaded("notes.md", "application/octet-stream", utf8("# Notes\nhello\n"));
        assertThat(notes.path("kind").asText()).isEqualTo("text");
        assertThat(notes.path("content_type").asText()).isEqualTo("text/markdown; charset=utf-8");

        String conversationId = http.createConversation().path("id").asText();
        Http.Response sent = send(
                conversationId,
                "look",
                null,
                List.of(notes.path("id").asText(), image.path("id").asText())); // not the upload order
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        JsonNode task = http.awaitTaskEnd(sent.json().path("task_id").asText());
        assertThat(task.path("result").path("content").asText())
                .isEqualTo(
                        "You said: \"look\" (1 word). Attached: notes.md (text, 14 bytes), cat.png (image, 70 bytes).");

        JsonNode user = http.conversation(conversationId).path("messages").path(0);
        assertThat(user.path("content").asText()).isEqualTo("look");
        assertThat(user.path("files").findValuesAsText("name")).containsExactly("notes.md", "cat.png");
        assertThat(user.path("files").path(1).path("kind").asText()).isEqualTo("image");
        Http.Response download = http.get(image.path("url").asText());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.bytes()).isEqualTo(PNG);
        assertThat(download.header("Content-Type")).startsWith("image/png");
        assertThat(download.header("Content-Disposition")).startsWith("attachment;");

        // An edit takes no attachments (E12 + E14).
        JsonNode another = uploaded("more.txt", "text/plain", utf8("more"));
        assertError(
                http.post(
                        "/api/conversations/" + conversationId + "/messages/"
                                + user.path("id").asText() + "/edit",
                        Map.of(
                                "content",
                                "look again",
                                "attachments",
                                List.of(another.path("id").asText()))),
                400,
                "invalid_request");

        // Deleted with the conversation.
        assertThat(http.delete("/api/conversations/" + conversationId).status()).isEqualTo(204);
        assertError(http.get(image.path("url").asText()), 404, "not_found");
        assertError(http.get(notes.path("url").asText()), 404, "not_found");
    }

    @Test
    void eachBadUploadIsRefusedWithTheContractsErrorAndNothingIsStored() {
        assertError(upload("doc.pdf", "application/pdf", utf8("%PDF-1.4 …")), 415, "unsupported_media_type");
        assertError(upload("fake.png", "image/png", utf8("not a png at all")), 415, "unsupported_media_type");
        assertError(upload("fake.jpg", "application/octet-stream", utf8("not a jpeg")), 415, "unsupported_media_type");
        assertError(
                upload("blob.bin", "application/octet-stream", new byte[] {1, 2, 3}), 415, "unsupported_media_type");
        assertError(
                upload("latin1.txt", "text/plain", new byte[] {'c', 'a', 'f', (byte) 0xE9}),
                415,
                "unsupported_media_type");
        byte[] bigText = new byte[1024 * 1024 + 1];
        Arrays.fill(bigText, (byte) 'a');
        assertError(upload("big.txt", "text/plain", bigText), 413, "payload_too_large");
        // An image over 10 MiB is over the route's body limit: answered on its headers.
        assertThat(headersOnlyAnswer(10 * 1024 * 1024 + 1))
                .startsWith("HTTP/1.1 413")
                .contains("payload_too_large");
        assertError(upload("empty.txt", "text/plain", new byte[0]), 400, "invalid_request");
        for (String name : List.of("../etc/passwd", "a/b.txt", "a\\b.txt", "..", "bell\u0007.txt", "line\n.txt")) {
            assertError(upload(name, "text/plain", utf8("x")), 400, "invalid_request");
        }
        assertError(http.request("POST", "/api/uploads", "text/plain", utf8("x")), 400, "invalid_request");
        // A text file of 1 MiB exactly and an image under 10 MiB are fine.
        assertThat(upload("edge.txt", "text/plain", Arrays.copyOf(bigText, 1024 * 1024))
                        .status())
                .isEqualTo(201);

        String conversationId = http.createConversation().path("id").asText();
        List<String> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.add(uploaded("f" + i + ".txt", "text/plain", utf8("file " + i))
                    .path("id")
                    .asText());
        }
        assertError(send(conversationId, "too many", null, nine), 400, "invalid_request");
        assertError(send(conversationId, "twice", null, List.of(nine.get(0), nine.get(0))), 400, "invalid_request");
        Http.Response unknown = send(conversationId, "who", null, List.of("00000000-0000-0000-0000-000000000000"));
        assertError(unknown, 400, "invalid_request");
        assertThat(unknown.json().path("error").path("message").asText()).contains("No upload with id");
        assertError(
                http.post(
                        "/api/conversations/" + conversationId + "/messages",
                        Map.of("content", "x", "attachments", "id")),
                400,
                "invalid_request");
        assertThat(http.conversation(conversationId).path("messages"))
                .as("nothing stored")
                .isEmpty();

        // Eight is the most; an upload is used once (409 the second time).
        Http.Response eight = send(conversationId, "eight", null, nine.subList(0, 8));
        assertThat(eight.status()).as(eight.body()).isEqualTo(202);
        assertError(send(conversationId, "again", null, List.of(nine.get(0))), 409, "conflict");
        http.awaitTaskEnd(eight.json().path("task_id").asText());
        assertThat(http.conversation(conversationId).path("messages")).hasSize(2);
    }

    @Test
    void anotherUsersUploadIsNoUploadOfMineAndItsFilesAreNotMine() {
        server.close();
        server = TestServer.start(dataDir.resolve("token"), b -> b.auth(dev.lanechat.server.auth.AuthMode.TOKEN));
        String[] store = TokenUsers.storeFlags(server, dataDir.resolve("token"));
        Http alice = server.http().withBearer(TokenUsers.add("alice", store));
        Http bob = server.http().withBearer(TokenUsers.add("bob", store));
        Http.Response r = alice.request("POST", "/api/uploads?name=secret.txt", "text/plain", utf8("alice's"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String upload = r.json().path("id").asText();

        String bobs = bob.createConversation().path("id").asText();
        Http.Response stolen = bob.post(
                "/api/conversations/" + bobs + "/messages", Map.of("content", "mine?", "attachments", List.of(upload)));
        assertError(stolen, 400, "invalid_request");
        assertThat(stolen.json().path("error").path("message").asText()).contains("No upload with id");
        assertError(bob.get("/api/files/" + upload), 404, "not_found");
        assertThat(bob.conversation(bobs).path("messages")).isEmpty();
        // Still alice's to send.
        String hers = alice.createConversation().path("id").asText();
        Http.Response sent = alice.post(
                "/api/conversations/" + hers + "/messages", Map.of("content", "mine", "attachments", List.of(upload)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    }

    @Test
    void aUserHoldsAtMost64UnsentUploads() {
        for (int i = 0; i < 64; i++) {
            uploaded("n" + i + ".txt", "text/plain", utf8("n"));
        }
        Http.Response more = upload("more.txt", "text/plain", utf8("x"));
        assertError(more, 429, "rate_limited");
        assertThat(more.header("Retry-After")).isNotNull();
        assertThat(more.json().path("error").path("message").asText()).contains("not yet sent");
    }

    @Test
    void imagesGoToAVisionLaneAsContentPartsAndTextFilesAsFencedBlocks() {
        standIn.then(OpenAiStandIn.completion("A cat.", 10, 2, 1_000));
        JsonNode image = uploaded("cat.png", "image/png", PNG);
        JsonNode code = uploaded("Main.java", "text/x-java", utf8("class Main {}\n"));
        String conversationId = http.createConversation().path("id").asText();
        Http.Response sent = send(
                conversationId,
                "What is this?",
                "eyes",
                List.of(image.path("id").asText(), code.path("id").asText()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String taskId = sent.json().path("task_id").asText();
        // While it runs, its files are no worker's: the lane is served inside the server.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> http.task(taskId).path("status").asText().equals("running"));
        assertError(
                http.get("/api/tasks/" + taskId + "/files/" + image.path("id").asText()), 404, "not_found");
        JsonNode task = http.awaitTaskEnd(taskId);
        assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("completed");

        JsonNode user = standIn.received().get(0).body().path("messages").path(0);
        assertThat(user.path("role").asText()).isEqualTo("user");
        JsonNode parts = user.path("content");
        assertThat(parts.isArray()).as(user.toString()).isTrue();
        assertThat(parts).hasSize(2);
        assertThat(parts.path(0).path("type").asText()).isEqualTo("text");
        assertThat(parts.path(0).path("text").asText())
                .isEqualTo("What is this?\n\nFile: Main.java\n```\nclass Main {}\n```");
        assertThat(parts.path(1).path("type").asText()).isEqualTo("image_url");
        assertThat(parts.path(1).path("image_url").path("url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
        // What the user typed is what is stored.
        assertThat(http.conversation(conversationId)
                        .path("messages")
                        .path(0)
                        .path("content")
                        .asText())
                .isEqualTo("What is this?");
    }

    @Test
    void aLaneWithoutVisionRefusesImagesNamingItselfButTakesTextFilesAsFencedBlocks() {
        JsonNode image = uploaded("cat.png", "image/png", PNG);
        String conversationId = http.createConversation().path("id").asText();
        Http.Response refused =
                send(conversationId, "see", "plain", List.of(image.path("id").asText()));
        assertError(refused, 400, "invalid_request");
        assertThat(refused.json().path("error").path("message").asText()).contains("Lane 'plain'");
        assertThat(http.conversation(conversationId).path("messages")).isEmpty();

        // The refused send left the upload unattached: it can be sent to a lane that takes images.
        standIn.then(OpenAiStandIn.completion("Read it.", 1, 1)).then(OpenAiStandIn.completion("Seen.", 1, 1));
        JsonNode csv = uploaded("data.csv", "text/csv", utf8("a,b\n1,``` 2\n"));
        Http.Response sent =
                send(conversationId, "sum it", "plain", List.of(csv.path("id").asText()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        http.awaitTaskEnd(sent.json().path("task_id").asText());
        JsonNode user = standIn.received().get(0).body().path("messages").path(0);
        assertThat(user.path("content").asText()).isEqualTo("sum it\n\nFile: data.csv\n````\na,b\n1,``` 2\n````");
        Http.Response again =
                send(conversationId, "now see", "eyes", List.of(image.path("id").asText()));
        assertThat(again.status()).as(again.body()).isEqualTo(202);
    }

    @Test
    void aWorkerGetsFileReferencesAndDownloadsThemWhileItHoldsTheTask() {
        JsonNode image = uploaded("cat.png", "image/png", PNG);
        JsonNode text = uploaded("log.txt", "text/plain", utf8("boom\n"));
        String conversationId = http.createConversation().path("id").asText();
        Http.Response sent = send(
                conversationId,
                "why?",
                "ext",
                List.of(image.path("id").asText(), text.path("id").asText()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String taskId = sent.json().path("task_id").asText();

        Http.Response claimed = http.post("/api/lanes/ext/claim?wait_s=5", "");
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        JsonNode claim = claimed.json();
        assertThat(claim.path("content").asText()).isEqualTo("why?\n\nFile: log.txt\n```\nboom\n```");
        JsonNode files = claim.path("files");
        assertThat(files.findValuesAsText("name")).containsExactly("cat.png", "log.txt");
        assertThat(files.path(0).path("content_type").asText()).isEqualTo("image/png");
        assertThat(files.path(0).path("size").asLong()).isEqualTo(PNG.length);
        String url = files.path(0).path("url").asText();
        assertThat(url)
                .isEqualTo("/api/tasks/" + taskId + "/files/" + image.path("id").asText());
        Http.Response download = http.get(url);
        assertThat(download.status()).as(download.body()).isEqualTo(200);
        assertThat(download.bytes()).isEqualTo(PNG);
        assertError(http.get("/api/tasks/" + taskId + "/files/" + "nope"), 404, "not_found");
        assertError(
                http.get("/api/tasks/" + taskId + "/files/" + text.path("id").asText() + "x"), 404, "not_found");

        Http.Response done = http.post(
                "/api/tasks/" + taskId + "/complete",
                Map.of("lease_id", claim.path("lease_id").asText(), "content", "because"));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertError(http.get(url), 404, "not_found");
    }
}
