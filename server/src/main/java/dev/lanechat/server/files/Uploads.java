package dev.lanechat.server.files;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Uploads (protocol.md E14): checked ({@link UploadCheck}) and stored unattached, owned by the user,
 * until a send attaches them; those never attached are swept after {@link #KEEP_UNATTACHED}.
 */
public final class Uploads {
    /** How long an upload no send named is kept. */
    public static final Duration KEEP_UNATTACHED = Duration.ofDays(1);
    /** The most attachments of one message. */
    public static final int MAX_PER_MESSAGE = 8;
    /** The most uploads one user may hold unattached at once (a bound on what unsent files can store). */
    public static final int MAX_UNATTACHED = 64;

    private final FileRepository files;
    private final Clock clock;

    public Uploads(FileRepository files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    /** Checks and stores an upload; its name must already be {@link UploadCheck#checkName checked}. */
    public FileInfo upload(String userId, String name, String declaredType, byte[] data) {
        UploadCheck.Accepted accepted = UploadCheck.check(name, declaredType, data);
        if (files.unattachedCount(userId) >= MAX_UNATTACHED) {
            throw dev.lanechat.server.Rejection.rateLimited(
                    "You have " + MAX_UNATTACHED + " uploaded files not yet sent; send them or remove some"
                            + " (unsent files are deleted after a day).",
                    60_000);
        }
        return files.insertUpload(userId, name, accepted.contentType(), data, clock.instant());
    }

    /** Deletes the uploads no send named within {@link #KEEP_UNATTACHED}; how many (housekeeping). */
    public int sweep() {
        return files.deleteUnattachedBefore(clock.instant().minus(KEEP_UNATTACHED));
    }

    /** Checks the list of upload ids of a send: at most {@value #MAX_PER_MESSAGE}, no id twice. */
    public static List<String> checkIds(List<String> ids) {
        if (ids.size() > MAX_PER_MESSAGE) {
            throw dev.lanechat.server.Rejection.invalid(
                    "A message may have at most " + MAX_PER_MESSAGE + " attachments, not " + ids.size() + ".");
        }
        if (ids.stream().distinct().count() != ids.size()) {
            throw dev.lanechat.server.Rejection.invalid("\"attachments\" names an upload twice.");
        }
        return List.copyOf(ids);
    }
}
