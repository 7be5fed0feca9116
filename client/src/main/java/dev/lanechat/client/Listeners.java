// The stream's listeners and the one way to tell them something: a listener's exception goes to
// the thread's uncaught-exception handler and never stops the stream's thread.
package dev.lanechat.client;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Thread-safe list of {@link StreamListener}s; each call tells every one of them, in order. */
final class Listeners {
    private final List<StreamListener> all = new CopyOnWriteArrayList<>();

    Listeners(Collection<StreamListener> initial) {
        all.addAll(initial);
    }

    void add(StreamListener listener) {
        all.add(Objects.requireNonNull(listener));
    }

    void remove(StreamListener listener) {
        all.remove(listener);
    }

    void event(Event e) {
        tell(l -> l.onEvent(e));
    }

    void ready(long lastId) {
        tell(l -> l.onReady(lastId));
    }

    void reset() {
        tell(StreamListener::onReset);
    }

    void error(String code, String message, long retryAfterMs) {
        tell(l -> l.onError(code, message, retryAfterMs));
    }

    void outcome(TaskOutcome o) {
        tell(l -> l.onTaskOutcome(o));
    }

    void status(ConnectionStatus s) {
        tell(l -> l.onStatus(s));
    }

    void progress(String taskId, String messageId, String delta, long offset) {
        tell(l -> l.onProgress(taskId, messageId, delta, offset));
    }

    void gap(String taskId, long expectedOffset, long offset) {
        tell(l -> l.onProgressGap(taskId, expectedOffset, offset));
    }

    private void tell(Consumer<StreamListener> call) {
        for (StreamListener l : all) {
            safely(() -> call.accept(l));
        }
    }

    /** A caller's bug must not stop the stream's thread. */
    static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException bug) {
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), bug);
        }
    }
}
