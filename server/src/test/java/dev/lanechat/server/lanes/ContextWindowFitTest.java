package dev.lanechat.server.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fitting a prompt to a window, the defaults by model name, and the estimate. Milliseconds. */
class ContextWindowFitTest {
    private static final TokenCounter ESTIMATE = new TokenCounter.Estimate();

    private static List<ProcessorInput.Turn> turns(int n) {
        List<ProcessorInput.Turn> turns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            turns.add(new ProcessorInput.Turn(i % 2 == 0 ? "user" : "assistant", "turn " + i + " " + "x".repeat(27)));
        }
        return turns;
    }

    @Test
    void theOldestTurnsGoFirstAndTheSystemPromptAndTheMessageAlwaysStay() {
        ContextWindow window = new ContextWindow(200, ESTIMATE); // 150 for the prompt, 50 for the answer
        assertThat(window.promptBudget()).isEqualTo(150);
        ProcessorInput input = new ProcessorInput("t", "the question", turns(40));
        ProcessorInput fitted = window.fit("Be brief.", input);
        assertThat(fitted.content()).isEqualTo("the question");
        assertThat(fitted.history()).isNotEmpty().hasSizeLessThan(40);
        assertThat(fitted.history())
                .isEqualTo(input.history().subList(40 - fitted.history().size(), 40));
        int used = window.promptTokens("Be brief.", fitted.history(), "the question");
        assertThat(used).isLessThanOrEqualTo(150);
        // One more turn would not have fitted.
        assertThat(window.promptTokens(
                        "Be brief.",
                        input.history().subList(39 - fitted.history().size(), 40),
                        "the question"))
                .isGreaterThan(150);

        ProcessorInput huge = new ProcessorInput("t", "y".repeat(3_000), turns(3));
        assertThat(window.fit("Be brief.", huge).history()).isEmpty();
        assertThat(window.fit("Be brief.", huge).content()).isEqualTo(huge.content());
        ProcessorInput small = new ProcessorInput("t", "hi", turns(2));
        assertThat(window.fit(null, small)).isSameAs(small);
    }

    @Test
    void aWorkersClaimCountsTheConversationsSystemPromptAndKeepsIt() {
        ContextWindow window = new ContextWindow(200, ESTIMATE);
        Lane worker = new Lane("ext", "ext", "", false, 1, null, 3, window);
        ProcessorInput plain = worker.fitted(new ProcessorInput("t", "the question", turns(40)));
        String prompt = "Answer as a ship's captain would, in short sentences. ".repeat(3);
        ProcessorInput prompted = worker.fitted(new ProcessorInput("t", "the question", turns(40), prompt));
        assertThat(plain.systemPrompt()).isNull();
        assertThat(prompted.systemPrompt()).isEqualTo(prompt);
        assertThat(prompted.history())
                .isNotEmpty()
                .hasSizeLessThan(plain.history().size());
        assertThat(window.promptTokens(prompt, prompted.history(), "the question"))
                .isLessThanOrEqualTo(window.promptBudget());
        // What an openai lane sends first: the lane's prompt, then the conversation's, in one message.
        assertThat(OpenAiProcessor.systemPrompt(null, null)).isNull();
        assertThat(OpenAiProcessor.systemPrompt("Lane.", null)).isEqualTo("Lane.");
        assertThat(OpenAiProcessor.systemPrompt(null, "Mine.")).isEqualTo("Mine.");
        assertThat(OpenAiProcessor.systemPrompt("Lane.", "Mine.")).isEqualTo("Lane.\n\nMine.");
    }

    @Test
    void theDefaultIsTheModelsKnownSizeElse8192AndOpenAiModelsGetTheirTokenizer() {
        ModelCatalog models = new ModelCatalog();
        assertThat(ContextWindow.of("gpt-4o-mini", null, models).maxTokens()).isEqualTo(128_000);
        assertThat(ContextWindow.of("gpt-4o-2024-08-06", null, models).maxTokens())
                .isEqualTo(128_000);
        assertThat(ContextWindow.of("gpt-4-0613", null, models).maxTokens()).isEqualTo(8_192);
        assertThat(ContextWindow.of("gpt-4-turbo-2024-04-09", null, models).maxTokens())
                .isEqualTo(128_000);
        assertThat(ContextWindow.of("llama3.2", null, models).maxTokens()).isEqualTo(ContextWindow.DEFAULT_TOKENS);
        assertThat(ContextWindow.of("gpt-4o-mini", 1000, models).maxTokens()).isEqualTo(1000);
        assertThat(models.tokenizer("gpt-4o-mini").name()).isEqualTo("o200k_base");
        assertThat(models.tokenizer("gpt-4.1-mini").name()).isEqualTo("o200k_base");
        assertThat(models.tokenizer("gpt-3.5-turbo").name()).isEqualTo("cl100k_base");
        assertThat(models.tokenizer("llama3.2").name()).isEqualTo("estimate");
        assertThat(models.tokenizer("gpt-4o-mini").count("Hello, world!")).isEqualTo(4);
        assertThat(ContextWindow.of("big", 100_000, models).answerReserve())
                .isEqualTo(ContextWindow.MAX_ANSWER_RESERVE);
    }

    @Test
    void theEstimateCountsUtf8BytesOnTheSafeSide() {
        assertThat(ESTIMATE.count("")).isZero();
        assertThat(ESTIMATE.count("abc")).isEqualTo(1);
        assertThat(ESTIMATE.count("abcd")).isEqualTo(2);
        assertThat(ESTIMATE.count("é")).isEqualTo(1); // 2 bytes
        assertThat(ESTIMATE.count("日本語")).isEqualTo(3); // 9 bytes
        assertThat(ESTIMATE.count("😀😀")).isEqualTo(3); // 8 bytes
        assertThat(ESTIMATE.message("user", "abc")).isEqualTo(3 + 2 + 1);
    }
}
