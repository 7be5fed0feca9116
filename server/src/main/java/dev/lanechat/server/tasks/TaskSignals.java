package dev.lanechat.server.tasks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who is told of a task's change in this process: a lane's runners and waiting workers when a task
 * was queued on it, whoever runs a task when it was cancelled.
 */
public final class TaskSignals {
    private final List<Consumer<String>> queuedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> cancelListeners = new CopyOnWriteArrayList<>();

    TaskSignals() {}

    /** Called with a lane's name after a task was queued on it (a wake-up for its runner). */
    void onQueued(Consumer<String> listener) {
        queuedListeners.add(listener);
    }

    /** Called with a task's id after it was cancelled (so that whoever runs it can stop). */
    void onCancelled(Consumer<String> listener) {
        cancelListeners.add(listener);
    }

    void queued(String lane) {
        queuedListeners.forEach(l -> l.accept(lane));
    }

    void cancelled(String taskId) {
        cancelListeners.forEach(l -> l.accept(taskId));
    }
}
