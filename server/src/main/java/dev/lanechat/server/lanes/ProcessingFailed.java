package dev.lanechat.server.lanes;

/** A failure a retry would not mend (a bad key, an unknown model); the task fails with this message. */
public final class ProcessingFailed extends Exception {
    public ProcessingFailed(String message) {
        super(message, null, false, false);
    }
}
