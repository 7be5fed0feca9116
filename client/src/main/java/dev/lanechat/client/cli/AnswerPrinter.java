// Prints one task's answer to stdout as it streams (progress deltas), then whatever the final
// content adds, so stdout carries the committed answer exactly once.
package dev.lanechat.client.cli;

import dev.lanechat.client.SendReceipt;
import dev.lanechat.client.StreamListener;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Listens to a stream for the progress of one task. Frames can come before the send is answered
 * (before we know our task id): until then each task's contiguous text is kept aside. Once the
 * task is known, its text so far is printed and later deltas are printed as they come. After a
 * gap (a missed frame) or a restart of the task, nothing more is printed until the outcome:
 * {@link #remainder} then gives exactly what the final content adds to what was printed.
 *
 * <p>Callbacks run on the stream's thread; {@link #remainder} on the caller's once the outcome's
 * future completed (after every callback of the task), hence the synchronization.
 */
final class AnswerPrinter implements StreamListener {
    private final PrintStream out;
    private final Runnable beforeFirstPrint;
    /** Text of tasks not yet known to be ours (only while our task id is unknown). */
    private final Map<String, StringBuilder> early = new HashMap<>();

    private final Map<String, Boolean> earlyBroken = new HashMap<>();
    private String taskId;
    private final StringBuilder printed = new StringBuilder();
    private boolean stopped;
    private boolean started;

    /**
     * @param out where the answer goes
     * @param beforeFirstPrint run once before the first character is printed (stops a spinner)
     */
    AnswerPrinter(PrintStream out, Runnable beforeFirstPrint) {
        this.out = out;
        this.beforeFirstPrint = beforeFirstPrint;
    }

    /** The send was answered: from now on only this task counts. */
    synchronized void accepted(SendReceipt receipt) {
        taskId = receipt.taskId();
        StringBuilder sofar = early.get(taskId);
        boolean broken = Boolean.TRUE.equals(earlyBroken.get(taskId));
        early.clear();
        earlyBroken.clear();
        if (broken) {
            stopped = true;
        } else if (sofar != null) {
            print(sofar.toString());
        }
    }

    @Override
    public synchronized void onProgress(String task, String messageId, String delta, long offset) {
        if (taskId == null) {
            StringBuilder b = early.computeIfAbsent(task, k -> new StringBuilder());
            if (offset == 0 && b.length() > 0) {
                b.setLength(0); // the task started over before we knew it was ours
            }
            b.append(delta);
            return;
        }
        if (!task.equals(taskId) || stopped) {
            return;
        }
        if (offset == 0 && printed.length() > 0) {
            stopped = true; // started over: what is printed cannot be taken back, wait for the end
            return;
        }
        print(delta);
    }

    @Override
    public synchronized void onProgressGap(String task, long expectedOffset, long offset) {
        if (taskId == null) {
            earlyBroken.put(task, Boolean.TRUE);
        } else if (task.equals(taskId)) {
            stopped = true;
        }
    }

    private void print(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (!started) {
            started = true;
            beforeFirstPrint.run();
        }
        out.print(text);
        out.flush();
        printed.append(text);
    }

    /** Stops printing deltas (the outcome is here; the rest is printed from it). */
    synchronized String printedSoFar() {
        stopped = true;
        return printed.toString();
    }

    /**
     * What to print of {@code content} now that the task is over: the part not printed yet when
     * the streamed text is a prefix of it (always, unless the task started over with other text);
     * else a line break and the whole content (the preview was not the truth).
     */
    synchronized String remainder(String content) {
        String done = printedSoFar();
        if (content.startsWith(done)) {
            return content.substring(done.length());
        }
        return "\n" + content;
    }
}
