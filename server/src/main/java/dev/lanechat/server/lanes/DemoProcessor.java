package dev.lanechat.server.lanes;

import dev.lanechat.server.files.NewFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The offline demo lane: after a short delay (so the asynchronous path is visible) it reflects the
 * message with its word count. A message that mentions the word "file" gets a small text file
 * attached, so the files path works end to end. Deterministic, free, model "demo".
 */
public final class DemoProcessor implements Processor {
    public static final String MODEL = "demo";
    private static final Pattern FILE_WORD = Pattern.compile("\\bfiles?\\b", Pattern.CASE_INSENSITIVE);
    private static final long SLICE_MS = 20;

    private final Duration delay;

    public DemoProcessor(Duration delay) {
        this.delay = delay;
    }

    @Override
    public ProcessorResult process(ProcessorInput input, ProcessorContext context) throws InterruptedException {
        long deadline = System.nanoTime() + delay.toNanos();
        while (!context.cancelled() && System.nanoTime() < deadline) {
            Thread.sleep(Math.max(1, Math.min(SLICE_MS, (deadline - System.nanoTime()) / 1_000_000)));
        }
        String text = input.content().strip();
        long words = text.isEmpty() ? 0 : text.split("\\s+").length;
        String answer = "You said: \"" + text + "\" (" + words + (words == 1 ? " word" : " words") + ").";
        List<NewFile> files = FILE_WORD.matcher(text).find()
                ? List.of(new NewFile("echo.txt", "text/plain; charset=utf-8",
                        (text + "\n").getBytes(StandardCharsets.UTF_8)))
                : List.of();
        return new ProcessorResult(answer, MODEL, 0.0, files);
    }
}
