package dev.lanechat.server.lanes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.config.LaneBasics;
import dev.lanechat.server.config.OpenAiLane;
import dev.lanechat.server.json.Json;
import dev.lanechat.server.support.OpenAiStandIn;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private static final ProcessorInput INPUT = new ProcessorInput(
            "t1",
            "And in French?",
            List.of(new ProcessorInput.Turn("user", "Say hello"), new ProcessorInput.Turn("assistant", "Hello!")));

    @AfterEach
    void stop() {
        standIn.close();
    }

    /** Retries as in production, but from a 50 ms backoff. */
    private static final RetryPolicy RETRY =
            new RetryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(30), Clock.systemUTC());

    private OpenAiProcessor processor(String apiKey, Duration timeout) {
        return processor(
                standIn.baseUrl(),
                "gpt-4o-mini",
                apiKey,
                "OPENAI_API_KEY",
                0.15,
                0.60,
                timeout,
                null,
                OpenAiProcessor.STALL);
    }

    /** An openai lane's processor as LaneFactory builds it, with a window of 8,192 tokens. */
    static OpenAiProcessor processor(
            String baseUrl,
            String model,
            String apiKey,
            String apiKeyEnv,
            double input,
            double output,
            Duration timeout,
            String systemPrompt,
            Duration stall) {
        OpenAiLane spec = new OpenAiLane(
                new LaneBasics("gpt", null, true, model, null, null, 1),
                baseUrl,
                apiKeyEnv,
                apiKey,
                input,
                output,
                timeout,
                systemPrompt,
                null);
        ModelCatalog models = new ModelCatalog();
        return new OpenAiProcessor(
                spec, new ContextWindow(8192, models.tokenizer(model)), RETRY, stall, Json.newMapper());
    }

    /** A context that records the progress it is given and can be cancelled. */
    private static final class Recorder implements ProcessorContext {
        final List<String> deltas = new CopyOnWriteArrayList<>();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public boolean cancelled() {
            return cancelled.get();
        }

        @Override
        public void progress(String delta) {
            deltas.add(delta);
        }
    }

    @Test
    void streamsEachPieceAsProgressAndPricesTheUsageChunk() throws Exception {
        List<String> pieces = List.of("Bon", "jour", " ! ", "Ça va ? 👋");
        standIn.then(OpenAiStandIn.streamed(pieces, 1_000, 2_000, 20));
        Recorder context = new Recorder();
        ProcessorResult result = processor("sk-test", Duration.ofSeconds(10)).process(INPUT, context);

        assertThat(context.deltas)
                .as("the role-only chunk and the finish chunk carry no content")
                .isEqualTo(pieces);
        assertThat(result.content()).isEqualTo(String.join("", context.deltas)).isEqualTo("Bonjour ! Ça va ? 👋");
        assertThat(result.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        // (1000 × 0.15 + 2000 × 0.60) / 1e6, from the usage-only last chunk
        assertThat(result.costUsd()).isCloseTo(0.00135, within(1e-12));
        JsonNode body = standIn.received().get(0).body();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean())
                .isTrue();
        assertThat(standIn.received().get(0).headers().get("Accept").get(0)).contains("text/event-stream");
    }

    @Test
    void aStreamWithoutUsageCostsNothing() throws Exception {
        standIn.then(OpenAiStandIn.streamedWithoutUsage(List.of("Hello", " there"), 0));
        Recorder context = new Recorder();
        ProcessorResult result = processor("sk-test", Duration.ofSeconds(10)).process(INPUT, context);
        assertThat(result.content()).isEqualTo("Hello there");
        assertThat(context.deltas).containsExactly("Hello", " there");
        assertThat(result.costUsd()).isZero();
    }

    @Test
    void anEndpointThatIgnoresStreamAndAnswersJsonStillWorks() throws Exception {
        standIn.then(OpenAiStandIn.completion("Bonjour !", 1_000, 2_000));
        Recorder context = new Recorder();
        ProcessorResult result = processor("sk-test", Duration.ofSeconds(10)).process(INPUT, context);
        assertThat(result.content()).isEqualTo("Bonjour !");
        assertThat(result.costUsd()).isCloseTo(0.00135, within(1e-12));
        assertThat(context.deltas).isEmpty();
    }

    @Test
    void aStreamUnderAnotherContentTypeIsRecognisedByItsFirstLine() throws Exception {
        OpenAiStandIn.Reply stream = OpenAiStandIn.streamed(List.of("a", "b"), 1_000, 2_000, 0);
        standIn.then(new OpenAiStandIn.Reply(
                200, java.util.Map.of("Content-Type", "application/octet-stream"), "", 0, stream.events()));
        Recorder context = new Recorder();
        ProcessorResult result = processor("sk-test", Duration.ofSeconds(10)).process(INPUT, context);
        assertThat(result.content()).isEqualTo("ab");
        assertThat(context.deltas).containsExactly("a", "b");
        assertThat(result.costUsd()).isCloseTo(0.00135, within(1e-12));
    }

    @Test
    void anErrorMidStreamFailsTheAttemptWithItsMessageWithoutRetrying() {
        standIn.then(OpenAiStandIn.streamedThenError(
                List.of("Once upon", " a time"),
                10,
                "The server had an error while processing your request. Sorry about that!"));
        Recorder context = new Recorder();
        assertThatThrownBy(() -> processor("sk-test", Duration.ofSeconds(10)).process(INPUT, context))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessage("the model endpoint failed in the middle of its answer: The server had an error while"
                        + " processing your request. Sorry about that!");
        assertThat(context.deltas).containsExactly("Once upon", " a time");
        assertThat(standIn.received())
                .as("no retry within the attempt once tokens streamed")
                .hasSize(1);
    }

    @Test
    void aStreamThatBreaksOffWithoutFinishingFailsTheAttempt() {
        OpenAiStandIn.Reply stream = OpenAiStandIn.streamed(List.of("half an ", "answer"), 1, 1, 0);
        standIn.then(new OpenAiStandIn.Reply(
                200, java.util.Map.of(), "", 0, stream.events().subList(0, 3)));
        assertThatThrownBy(() -> processor("sk-test", Duration.ofSeconds(10)).process(INPUT, new Recorder()))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessageContaining("ended its stream before the answer was complete");
    }

    @Test
    void aStalledStreamFailsInsteadOfHanging() {
        standIn.then(OpenAiStandIn.streamedThenStall(List.of("I was saying"), 0, 10_000));
        OpenAiProcessor p = processor(
                standIn.baseUrl(),
                "gpt-4o-mini",
                "sk-test",
                "OPENAI_API_KEY",
                0.15,
                0.60,
                Duration.ofSeconds(30),
                null,
                Duration.ofMillis(500));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> p.process(INPUT, new Recorder()))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessageContaining("stopped sending its answer");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(400L, 3_000L);
    }

    @Test
    void aStreamThatOutlastsTheTimeoutFails() {
        standIn.then(OpenAiStandIn.streamed(List.of("one", "two", "three", "four", "five", "six"), 1, 1, 300));
        OpenAiProcessor p = processor("sk-test", Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> p.process(INPUT, new Recorder()))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessageContaining("did not finish its answer within 1 s");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(900L, 2_500L);
    }

    @Test
    void cancellingMidStreamAbortsTheStreamAtOnce() throws Exception {
        standIn.then(OpenAiStandIn.streamed(java.util.Collections.nCopies(100, "word "), 1, 1, 100));
        OpenAiProcessor p = processor("sk-test", Duration.ofSeconds(60));
        Recorder context = new Recorder();
        CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
            try {
                p.process(INPUT, context);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (context.deltas.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(context.deltas).hasSizeGreaterThanOrEqualTo(2);
        long t0 = System.nanoTime();
        context.cancelled.set(true);
        assertThat(ended.get(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
        assertThat(standIn.awaitStreamCutOff(Duration.ofSeconds(3)))
                .as("the stand-in sees the stream cut off")
                .isTrue();
    }

    @Test
    void interruptingMidStreamAbortsTheStreamAtOnce() throws Exception {
        standIn.then(OpenAiStandIn.streamed(java.util.Collections.nCopies(100, "word "), 1, 1, 100));
        OpenAiProcessor p = processor("sk-test", Duration.ofSeconds(60));
        Recorder context = new Recorder();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                p.process(INPUT, context);
                ended.complete(null);
            } catch (Throwable e) {
                ended.complete(e);
            }
        });
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (context.deltas.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        t.interrupt();
        assertThat(ended.get(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(standIn.awaitStreamCutOff(Duration.ofSeconds(3))).isTrue();
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
        OpenAiProcessor ollama = processor(
                standIn.baseUrl() + "/",
                "llama3.2",
                null,
                null,
                0,
                0,
                Duration.ofSeconds(10),
                "Be brief.",
                OpenAiProcessor.STALL);
        ProcessorResult result = ollama.process(INPUT, RUNNING);
        assertThat(result.costUsd()).isZero();
        assertThat(standIn.received().get(0).authorization()).isNull();
        assertThat(standIn.received().get(0).path()).isEqualTo("/v1/chat/completions");
        assertThat(standIn.received()
                        .get(0)
                        .body()
                        .path("messages")
                        .path(0)
                        .path("role")
                        .asText())
                .isEqualTo("system");
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
        standIn.then(OpenAiStandIn.rateLimited("1")).then(OpenAiStandIn.streamed(List.of("o", "k"), 1, 1, 0));
        ProcessorResult result = processor("sk-test", Duration.ofSeconds(10)).process(INPUT, RUNNING);
        assertThat(result.content()).isEqualTo("ok");
        List<OpenAiStandIn.Received> requests = standIn.received();
        assertThat(requests).hasSize(2);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(
                requests.get(1).atNanos() - requests.get(0).atNanos());
        assertThat(waitedMs).as("waited for Retry-After: 1").isBetween(900L, 5_000L);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenGiveUpRetriably() {
        standIn.then(OpenAiStandIn.serverError())
                .then(OpenAiStandIn.serverError())
                .then(OpenAiStandIn.serverError());
        assertThatThrownBy(() -> processor("sk-test", Duration.ofSeconds(10)).process(INPUT, RUNNING))
                .isInstanceOf(OpenAiProcessor.EndpointUnavailable.class)
                .hasMessage("the model endpoint kept failing with 500 after 3 tries: The server had an error while"
                        + " processing your request. Sorry about that!");
        assertThat(standIn.received()).hasSize(RETRY.tries());
    }

    @Test
    void aServerErrorThenSuccessSucceeds() throws Exception {
        standIn.then(OpenAiStandIn.serverError()).then(OpenAiStandIn.completion("second time lucky", 3, 4));
        assertThat(processor("sk-test", Duration.ofSeconds(10))
                        .process(INPUT, RUNNING)
                        .content())
                .isEqualTo("second time lucky");
    }

    @Test
    void anUnreachableEndpointSaysSoRetriably() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        OpenAiProcessor nowhere = processor(
                "http://127.0.0.1:" + closedPort + "/v1",
                "m",
                null,
                null,
                0,
                0,
                Duration.ofSeconds(5),
                null,
                OpenAiProcessor.STALL);
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
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt))
                .isLessThan(1_000);
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
