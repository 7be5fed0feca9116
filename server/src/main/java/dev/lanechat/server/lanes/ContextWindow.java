package dev.lanechat.server.lanes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A lane's context window ({@code max_context_tokens}): the most tokens its model takes, prompt and
 * answer together. A prompt is fitted to it by leaving out the oldest turns of the history; the
 * system prompt (if any) and the message answered always go, whatever their size. A part of the
 * window is kept free for the answer ({@link #answerReserve()}: a quarter, at most
 * {@value #MAX_ANSWER_RESERVE} tokens), so a long conversation never fills the model's context.
 * Turns are dropped one by one from the oldest, so what remains is always the newest contiguous
 * part of the conversation.
 */
public final class ContextWindow {
    /** The window of a model whose size the server does not know. */
    public static final int DEFAULT_TOKENS = 8_192;

    static final int MAX_ANSWER_RESERVE = 4_096;

    private final int maxTokens;
    private final TokenCounter tokens;

    public ContextWindow(int maxTokens, TokenCounter tokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("a context window holds at least one token, not " + maxTokens);
        }
        this.maxTokens = maxTokens;
        this.tokens = tokens;
    }

    /** The window of {@code model}: {@code configured}, else the model's known size, else {@value #DEFAULT_TOKENS}. */
    public static ContextWindow of(String model, Integer configured, ModelCatalog models) {
        int size = configured != null ? configured : models.contextSize(model).orElse(DEFAULT_TOKENS);
        return new ContextWindow(size, models.tokenizer(model));
    }

    public int maxTokens() {
        return maxTokens;
    }

    public TokenCounter tokens() {
        return tokens;
    }

    /** The tokens kept free for the answer. */
    public int answerReserve() {
        return Math.min(maxTokens / 4, MAX_ANSWER_RESERVE);
    }

    /** The most tokens a prompt is given (unless the system prompt and the message alone are more). */
    public int promptBudget() {
        return maxTokens - answerReserve();
    }

    /**
     * {@code input} with as much of its history as fits beside {@code systemPrompt} (null for none)
     * and the message: the newest turns, oldest first.
     */
    public ProcessorInput fit(String systemPrompt, ProcessorInput input) {
        int used = promptTokens(systemPrompt, List.of(), input.prompt());
        List<ProcessorInput.Turn> history = input.history();
        List<ProcessorInput.Turn> kept = new ArrayList<>();
        int budget = promptBudget();
        for (int i = history.size() - 1; i >= 0; i--) {
            ProcessorInput.Turn turn = history.get(i);
            used += tokens.message(turn.role(), turn.content());
            if (used > budget) {
                break;
            }
            kept.add(turn);
        }
        if (kept.size() == history.size()) {
            return input;
        }
        Collections.reverse(kept);
        return input.withHistory(List.copyOf(kept));
    }

    /** The tokens of a prompt of these messages, as {@link #fit} counts them. */
    public int promptTokens(String systemPrompt, List<ProcessorInput.Turn> history, String content) {
        int used = TokenCounter.PER_PROMPT + tokens.message("user", content);
        if (systemPrompt != null) {
            used += tokens.message("system", systemPrompt);
        }
        for (ProcessorInput.Turn turn : history) {
            used += tokens.message(turn.role(), turn.content());
        }
        return used;
    }

    @Override
    public String toString() {
        return maxTokens + " tokens (" + tokens.name() + ")";
    }
}
