// Wire object: the result of a completed task (in a task, an event, or an immediate answer).
package dev.lanechat.client;

import java.math.BigDecimal;
import java.util.List;

/**
 * What a lane answered.
 *
 * @param content the whole answer text
 * @param model the model that produced it
 * @param costUsd its cost in US dollars
 * @param files files produced with it, possibly empty
 */
public record TaskResult(String content, String model, BigDecimal costUsd, List<FileInfo> files) {
    /** Normalises a missing file list to an empty one. */
    public TaskResult {
        files = files == null ? List.of() : List.copyOf(files);
    }
}
