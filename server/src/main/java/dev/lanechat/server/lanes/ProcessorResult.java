package dev.lanechat.server.lanes;

import dev.lanechat.server.files.NewFile;
import java.util.List;

/**
 * A processor's answer, with the tokens it used as the lane reported them (0 when it reported
 * none); the usage ledger counts them per user and day (issue 20).
 */
public record ProcessorResult(
        String content, String model, double costUsd, List<NewFile> files, long promptTokens, long completionTokens) {

    /** An answer whose lane reports no token counts. */
    public ProcessorResult(String content, String model, double costUsd, List<NewFile> files) {
        this(content, model, costUsd, files, 0, 0);
    }
}
