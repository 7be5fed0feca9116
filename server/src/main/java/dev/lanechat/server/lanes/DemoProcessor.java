package dev.lanechat.server.lanes;

import dev.lanechat.server.files.NewFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The offline demo lane: after a short delay (so the asynchronous path is visible) it reflects the
 * message with its word count. A message that mentions the word "file" gets a small text file
 * attached, so the files path works end to end; the files attached to the message are named in the
 * answer (protocol.md E14). Deterministic, free, model "demo". It streams its
 * answer in a few pieces across the delay, so the partial-answer path works offline too.
 */
public final class DemoProcessor implements Processor {
    public static final String MODEL = "demo";
    private static final Pattern FILE_WORD = Pattern.compile("\\bfiles?\\b", Pattern.CASE_INSENSITIVE);
    private static final long SLICE_MS = 20;
    private static final int PIECES = 5;

    private final Duration delay;

    public DemoProcessor(Duration delay) {
        this.delay = delay;
    }

    /** It takes images: it names them (so the offline demo shows attachments end to end). */
    @Override
    public boolean acceptsImages() {
        return true;
    }

    /** " Attached: a.png (image, 12 KiB), b.txt (text, 1 KiB)." for the files of the message, "" for none. */
    static String attached(List<ProcessorInput.Attachment> files) {
        if (files.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(" Attached: ");
        for (int i = 0; i < files.size(); i++) {
            ProcessorInput.Attachment f = files.get(i);
            s.append(i == 0 ? "" : ", ")
                    .append(f.name())
                    .append(" (")
                    .append(f.kind())
                    .append(", ");
            s.append(f.size() < 1024 ? f.size() + " bytes" : (f.size() + 1023) / 1024 + " KiB")
                    .append(')');
        }
        return s.append('.').toString();
    }

    /** It answers the message alone. */
    @Override
    public boolean usesHistory() {
        return false;
    }

    @Override
    public ProcessorResult process(ProcessorInput input, ProcessorContext context) throws InterruptedException {
        String text = input.content().strip();
        long words = text.isEmpty() ? 0 : text.split("\\s+").length;
        String answer = "You said: \"" + text + "\" (" + words + (words == 1 ? " word" : " words") + ")."
                + attached(input.attachments());
        List<String> pieces = pieces(answer);
        long start = System.nanoTime();
        for (int i = 0; i < pieces.size() && !context.cancelled(); i++) {
            // Piece i goes out at (i + 1) / (n + 1) of the delay; the final answer at the end.
            sleepUntil(start + delay.toNanos() * (i + 1) / (pieces.size() + 1), context);
            if (!context.cancelled()) {
                context.progress(pieces.get(i));
            }
        }
        sleepUntil(start + delay.toNanos(), context);
        List<NewFile> files = FILE_WORD.matcher(text).find()
                ? List.of(new NewFile(
                        "echo.txt", "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8)))
                : List.of();
        // Its "tokens" are words, so that usage and quotas can be seen working offline.
        return new ProcessorResult(answer, MODEL, 0.0, files, words, answer.split("\\s+").length);
    }

    /** The answer cut into at most {@value #PIECES} pieces at spaces (never inside a surrogate pair). */
    static List<String> pieces(String answer) {
        List<String> pieces = new ArrayList<>();
        int size = Math.max(1, answer.length() / PIECES);
        int from = 0;
        while (from < answer.length()) {
            int to = Math.min(answer.length(), from + size);
            int space = answer.indexOf(' ', to);
            to = pieces.size() == PIECES - 1 || space < 0 ? answer.length() : space + 1;
            pieces.add(answer.substring(from, to));
            from = to;
        }
        return pieces;
    }

    private static void sleepUntil(long deadlineNanos, ProcessorContext context) throws InterruptedException {
        while (!context.cancelled() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(Math.max(1, Math.min(SLICE_MS, (deadlineNanos - System.nanoTime()) / 1_000_000)));
        }
    }
}
