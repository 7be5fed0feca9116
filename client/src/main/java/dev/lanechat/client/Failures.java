// What a failed future's exception really is: CompletableFuture wraps it in CompletionException.
package dev.lanechat.client;

import java.util.concurrent.CompletionException;

final class Failures {
    private Failures() {}

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
