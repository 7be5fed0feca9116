package dev.lanechat.server.lanes;

import com.knuddels.jtokkit.api.Encoding;

/**
 * Counts the tokens of a chat prompt the way a model's endpoint does: OpenAI models with their
 * real tokenizer (jtokkit), others with an estimate on the safe side. A message costs its role
 * and content plus {@value #PER_MESSAGE} tokens of framing; a prompt {@value #PER_PROMPT} more
 * (the priming of the reply), as OpenAI counts them.
 */
public sealed interface TokenCounter {
    int PER_MESSAGE = 3;
    int PER_PROMPT = 3;

    /** The tokens of {@code text} alone. */
    int count(String text);

    /** What is counting, for logs and the README: a tokenizer's name or "estimate". */
    String name();

    /** The tokens one message of a prompt costs. */
    default int message(String role, String content) {
        return PER_MESSAGE + count(role) + count(content);
    }

    /** An OpenAI tokenizer (cl100k_base, o200k_base, …). */
    record Exact(Encoding encoding) implements TokenCounter {
        @Override
        public int count(String text) {
            return encoding.countTokensOrdinary(text);
        }

        @Override
        public String name() {
            return encoding.getName();
        }
    }

    /**
     * For a model whose tokenizer the server does not have: one token per {@value #BYTES_PER_TOKEN}
     * bytes of UTF-8, rounded up. Real tokenizers average 4 or more bytes per token on English text
     * and about 3 on most others, so this errs towards a prompt that fits.
     */
    record Estimate() implements TokenCounter {
        static final int BYTES_PER_TOKEN = 3;

        @Override
        public int count(String text) {
            return (int) ((utf8Length(text) + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN);
        }

        @Override
        public String name() {
            return "estimate";
        }

        static long utf8Length(String text) {
            long bytes = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    bytes += 1;
                } else if (c < 0x800) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else {
                    bytes += 3;
                }
            }
            return bytes;
        }
    }
}
