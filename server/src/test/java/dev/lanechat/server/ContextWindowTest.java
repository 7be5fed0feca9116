package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.lanes.ModelCatalog;
import dev.lanechat.server.lanes.TokenCounter;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.OpenAiStandIn;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conversation longer than a lane's context window (max_context_tokens): the openai lane sends
 * the stand-in a prompt within the window, with the system prompt, the newest turns and the
 * message; a worker's claim is given the same bounded history. About 5 s.
 */
class ContextWindowTest {
    static final int GPT_WINDOW = 400;
    static final int WORKER_WINDOW = 200;

    @TempDir
    Path dataDir;

    final OpenAiStandIn standIn = new OpenAiStandIn();
    TestServer server;
    Http http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        standIn.close();
    }

    @Test
    void aConversationLongerThanTheWindowSendsTheNewestTurnsWithinIt() {
        String lanes = """
                lanes:
                  - name: gpt
                    processor: openai
                    base_url: %s
                    model: gpt-4o-mini
                    system_prompt: You are a terse assistant who answers in one line.
                    max_context_tokens: %d
                    default: true
                  - name: ext
                    processor: worker
                    max_context_tokens: %d
                """.formatted(standIn.baseUrl(), GPT_WINDOW, WORKER_WINDOW);
        server = TestServer.start(dataDir, b -> b.lanes(LanesFile.parse("lanes.yaml", lanes, Map.of())));
        http = server.http();
        String conversationId = http.createConversation().path("id").asText();
        // The stand-in echoes each question: 2 × 12 turns of about 25 tokens, well over the window.
        for (int i = 1; i <= 12; i++) {
            String question = "Question " + i + ": what is the colour of the sky over the harbour at dawn in winter?";
            assertThat(http.awaitTaskEnd(http.send(conversationId, question)
                                    .path("task_id")
                                    .asText())
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
        }
        List<Map.Entry<String, String>> conversation = new ArrayList<>();
        for (JsonNode m : http.conversation(conversationId).path("messages")) {
            conversation.add(
                    Map.entry(m.path("role").asText(), m.path("content").asText()));
        }
        assertThat(conversation).hasSize(24);

        JsonNode messages = standIn.received().get(11).body().path("messages");
        Encoding o200k = ((TokenCounter.Exact) new ModelCatalog().tokenizer("gpt-4o-mini")).encoding();
        assertThat(o200k.getName()).isEqualTo("o200k_base");
        int tokens = 3; // OpenAI's count: 3 per prompt, 3 per message, then role and content
        for (JsonNode m : messages) {
            tokens += 3
                    + o200k.countTokensOrdinary(m.path("role").asText())
                    + o200k.countTokensOrdinary(m.path("content").asText());
        }
        assertThat(tokens).isLessThanOrEqualTo(GPT_WINDOW);
        assertThat(messages.path(0).path("role").asText()).isEqualTo("system");
        List<Map.Entry<String, String>> sent = new ArrayList<>();
        for (int i = 1; i < messages.size(); i++) {
            sent.add(Map.entry(
                    messages.path(i).path("role").asText(),
                    messages.path(i).path("content").asText()));
        }
        // The newest turns, up to the question answered last (conversation's 23rd message), none skipped.
        assertThat(sent.size()).isBetween(4, 20);
        assertThat(sent).isEqualTo(conversation.subList(23 - sent.size(), 23));

        // A worker's claim in the same conversation: the newest turns within the worker lane's window.
        Http.Response r = http.post(
                "/api/conversations/" + conversationId + "/messages",
                Map.of("content", "And over the hills?", "lane", "ext"));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode claim = http.post("/api/lanes/ext/claim?wait_s=5", "").json();
        assertThat(claim.path("content").asText()).isEqualTo("And over the hills?");
        JsonNode history = claim.path("history");
        List<Map.Entry<String, String>> given = new ArrayList<>();
        long bytes = 0;
        for (JsonNode turn : history) {
            given.add(Map.entry(turn.path("role").asText(), turn.path("content").asText()));
            bytes += turn.path("content").asText().length()
                    + turn.path("role").asText().length();
        }
        assertThat(given).isNotEmpty().hasSizeLessThan(24);
        assertThat(given).isEqualTo(conversation.subList(24 - given.size(), 24));
        // The worker lane's model is unknown: about one token per 3 bytes, so at most ~3 bytes a token.
        assertThat(bytes / 3 + 4L * given.size()).isLessThanOrEqualTo(WORKER_WINDOW);
    }
}
