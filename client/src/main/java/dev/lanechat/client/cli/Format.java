// How the CLI prints an answer: the text, its files, then "lane · model · $cost".
package dev.lanechat.client.cli;

import dev.lanechat.client.FileInfo;
import dev.lanechat.client.TaskOutcome;
import java.io.PrintStream;
import java.math.BigDecimal;

final class Format {
    private Format() {}

    static void answer(TaskOutcome o, PrintStream out) {
        answer(o, o.result() == null ? "" : o.result().content(), out);
    }

    /**
     * @param text what is left to print of the content (all of it, or what a streamed preview
     *     already printed did not cover)
     */
    static void answer(TaskOutcome o, String text, PrintStream out) {
        out.println(text);
        if (o.result() != null) {
            for (FileInfo f : o.result().files()) {
                out.println("file: " + f.name() + " (" + f.size() + " bytes) " + f.url());
            }
        }
        out.println(meta(o));
        out.flush();
    }

    static String meta(TaskOutcome o) {
        String model = o.result() == null ? "?" : o.result().model();
        BigDecimal cost = o.result() == null ? null : o.result().costUsd();
        return o.lane() + " · " + model + " · " + cost(cost);
    }

    /** At least cents, more digits only when the cost has them (model costs are often tiny). */
    static String cost(BigDecimal usd) {
        if (usd == null) {
            return "$?";
        }
        BigDecimal c = usd.stripTrailingZeros();
        if (c.scale() < 2) {
            c = c.setScale(2);
        }
        return "$" + c.toPlainString();
    }

    static String failure(TaskOutcome o) {
        return o.cancelled() ? "the task was cancelled" : "the task failed: " + o.error();
    }
}
