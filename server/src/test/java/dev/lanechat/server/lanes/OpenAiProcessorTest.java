package dev.lanechat.server.lanes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.OpenAiStandIn;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The openai processor against a stand-in endpoint that answers in OpenAI's real shapes. */
class OpenAiProcessorTest {
    private final OpenAiStandIn standIn = new OpenAiStandIn();
    private static final ProcessorContext RUNNING = () -> false;
    private static final ProcessorInput INPUT = new ProcessorInput("t1", "And in French?", List.of(
            new ProcessorInput.Turn("user", "Say hello"), new ProcessorInput.Turn("assistant", "Hello!")));

    @AfterEach
    void stop() {
        standIn.close();
    }

    private OpenAiProcessor processor(String apiKey, Duration timeout) {
        return new OpenAiProcessor(standIn.baseUrl(), "gpt-4o-mini", apiKey, "OPENAI_API_KEY", 0.15, 0.60, timeout,
                null, Duration.ofMillis(50));
    }

    @Test
    void sendsTheHistoryAndPricesTheReportedUsage() throws Exception {
        standIn.then(OpenAiStandIn.completion("Bonjour !", 1_000, 2_000));
        ProcessorResult result = processor("sk-test", Duration.ofSeconds(10)).process(INPUT, RUNNING);

        assertThat(result.content()).isEqualTo("Bonjour !");
        assertThat(result.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        // (1000 × 0.15 + 2000 × 0.60) / 1e6
        assertThat(result.costUsd()).isCloseTo(0.00135, within(1e-12));
        assertThat(result.files()).isEmpty();
        OpenAiStandIn.Received request = standIn.received().get(0);
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.authorization()).isEqualTo("Bearer sk-test");
        JsonNode body = request.body();
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.path("messages")).hasSize(3);
        assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").path(0).path("content").asText()).isEqualTo("Say hello");
        assertThat(body.path("messages").path(1).path("role").asText()).isEqualTo("assistant");
        assertThat(body.path("messages").path(2).path("content").asText()).isEqualTo("And in French?");
    }

    @Test
    void noKeyMeansNoAuthorizationHeaderAndASystemPromptGoesFirst() throws Exception {
        OpenAiProcessor ollama = new OpenAiProcessor(standIn.baseUrl() + "/", "llama3.2", null, null, 0, 0,
                Duration.ofSeconds(10), "Be brief.", Duration.ofMillis(50));
        ProcessorResult result = ollama.process(INPUT, RUNNING);
        assertThat(result.costUsd()).isZero();
        assertThat(standIn.received().get(0).authorization()).isNull();
        assertThat(standIn.received().get(0).path()).isEqualTo("/v1/chat/completions");
        assertThat(standIn.received().get(0).body().path("messages").path(0).path("role").asText()).isEqualTo("system");
    }

    @Test
    void aRefusedKeyFailsAtOnceWithoutRetrying() {
        standIn.then(OpenAiStandIn.badKey());
        assertThatThrownBy(() -> processor("sk-bad", Duration.ofSeconds(10)).process(INPUT, RUNNING))
                .isInstanceOf(ProcessingFailed.class)
                .hasMessageStartingWith("the model endpoint refused the API key (401): Incorrect API key provided")
                .hasMessageContaining("OPENAI_API_KEY");
        assertThat(standIn.received()).hasSize(1);
    }

    @Test
    void anUnknownModelFailsNamingTheModel() {
        standIn.then(OpenAiStandIn.unknownModel("gpt-4o-mini"));
        assertThatThrownBy(() -> processor("sk-test", Duration.ofSeconds(10)).process(INPUT, RUNNING))
                .isInstanceOf(ProcessingFailed.class)
                .hasMessageStartingWith("the model endpoint does not know the model 'gpt-4o-mini' (404)");
        assertThat(standIn.received()).hasSize(1);
    }

    @Test
    void rateLimitsAreRetriedAfterRetryAfter() throws Exception {
        standIn.then(OpenAiStandIn.rateLimited("1")).then(OpenAiStandIn.completion("ok", 1, 1));
        ProcessorResult result = processor("sk-test", Duration.ofSeconds(10)).process(INPUT, RUNNING);
        assertThat(result.content()).isEqualTo("ok");
        List<OpenAiStandIn.Received> requests = standIn.received();
        assertThat(requests).hasSize(2);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(requests.get(1).atNanos() - requests.get(0).atNanos());
        assertThat(waitedMs).as("waited for Retry-After: 1").isBetween(900L, 5_000L);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenGiveUpRetriably() {
        standIn.then(OpenAiStandIn.serverError()).then(OpenAiStandIn.serverError()).then(OpenAiStandIn.serverError());
        assertThatThrownBy(() -> processor("sk-test", Duration.ofSeconds(10)).process(INPUT, RUNNING))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessage("the model endpoint kept failing with 500 after 3 tries: The server had an error while"
                        + " processing your request. Sorry about that!");
        assertThat(standIn.received()).hasSize(OpenAiProcessor.TRIES);
    }

    @Test
    void aServerErrorThenSuccessSucceeds() throws Exception {
        standIn.then(OpenAiStandIn.serverError()).then(OpenAiStandIn.completion("second time lucky", 3, 4));
        assertThat(processor("sk-test", Duration.ofSeconds(10)).process(INPUT, RUNNING).content())
                .isEqualTo("second time lucky");
    }

    @Test
    void anUnreachableEndpointSaysSoRetriably() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        OpenAiProcessor nowhere = new OpenAiProcessor("http://127.0.0.1:" + closedPort + "/v1", "m", null, null, 0, 0,
                Duration.ofSeconds(5), null);
        assertThatThrownBy(() -> nowhere.process(INPUT, RUNNING))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessage("cannot reach the model endpoint at http://127.0.0.1:" + closedPort
                        + "/v1/chat/completions: connection refused");
    }

    @Test
    void aSlowEndpointTimesOutAfterTimeoutS() {
        standIn.then(OpenAiStandIn.completion("too late", 1, 1, 5_000));
        assertThatThrownBy(() -> processor("sk-test", Duration.ofSeconds(1)).process(INPUT, RUNNING))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessageContaining("did not answer within 1 s");
    }

    @Test
    void interruptingTheThreadAbortsTheCallAtOnce() throws Exception {
        standIn.then(OpenAiStandIn.completion("never", 1, 1, 30_000));
        OpenAiProcessor p = processor("sk-test", Duration.ofSeconds(60));
        AtomicReference<Thread> thread = new AtomicReference<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                p.process(INPUT, RUNNING);
                ended.complete(null);
            } catch (Throwable e) {
                ended.complete(e);
            }
        });
        thread.set(t);
        t.start();
        awaitRequest();
        long cancelledAt = System.nanoTime();
        t.interrupt();
        Throwable e = ended.get(1, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt)).isLessThan(1_000);
        assertThat(e).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aCancelledContextAbortsTheCallAtOnce() throws Exception {
        standIn.then(OpenAiStandIn.completion("never", 1, 1, 30_000));
        OpenAiProcessor p = processor("sk-test", Duration.ofSeconds(60));
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
            try {
                p.process(INPUT, cancelled::get);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        awaitRequest();
        cancelled.set(true);
        try {
            assertThat(ended.get(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitRequest() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (standIn.received().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(standIn.received()).isNotEmpty();
    }
}
