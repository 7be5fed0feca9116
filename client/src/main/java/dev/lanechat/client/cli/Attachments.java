// `--file PATH` (repeatable) of send and chat: each file uploaded before the message is sent.
package dev.lanechat.client.cli;

import dev.lanechat.client.FileInfo;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatStream;
import dev.lanechat.client.SendReceipt;
import dev.lanechat.client.TaskOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Uploads the files of {@code --file} (protocol.md E14) and sends a message with them. */
final class Attachments {
    /** The most files of one message (the server refuses more). */
    static final int MAX_FILES = 8;

    private Attachments() {}

    /** Checks the paths before anything is sent: each a readable file, at most {@value #MAX_FILES}. */
    static List<Path> paths(List<String> values) {
        if (values.size() > MAX_FILES) {
            throw new UsageException("at most " + MAX_FILES + " --file options per message, not " + values.size());
        }
        List<Path> paths = new ArrayList<>();
        for (String value : values) {
            Path path = Path.of(value);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new UsageException("--file " + value + ": no readable file there");
            }
            paths.add(path);
        }
        return paths;
    }

    /** Uploads each file; the ids for the send. A refused file ends it with the server's words. */
    static List<String> upload(LanechatClient api, List<Path> paths) {
        List<String> ids = new ArrayList<>();
        for (Path path : paths) {
            FileInfo stored = api.uploadFile(path);
            ids.add(stored.id());
        }
        return ids;
    }

    /**
     * Sends {@code text} with the uploads {@code ids} and tracks its task on {@code stream}; with no
     * ids, the stream's own send (which retries through an outage).
     */
    static CompletableFuture<TaskOutcome> send(
            LanechatStream stream,
            LanechatClient api,
            String conversation,
            String text,
            String lane,
            List<String> ids,
            Consumer<SendReceipt> onAccepted) {
        if (ids.isEmpty()) {
            return stream.send(conversation, text, lane, onAccepted);
        }
        SendReceipt receipt =
                api.sendMessage(conversation, text, lane, UUID.randomUUID().toString(), ids);
        onAccepted.accept(receipt);
        return stream.track(receipt.taskId());
    }
}
