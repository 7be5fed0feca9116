// The registry of tasks whose results callers wait for, and the memory of recent outcomes that
// makes a second delivery of the same result (replay, poll, push) a no-op.
package dev.lanechat.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Not thread-safe: used only on the stream's event thread. */
final class PendingTasks {
    /** Enough to cover a replay burst; older outcomes are for tasks nobody can still be tracking. */
    private static final int RECENT_LIMIT = 2_000;

    private final Map<String, CompletableFuture<TaskOutcome>> pending = new LinkedHashMap<>();
    private final Map<String, TaskOutcome> recent = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskOutcome> eldest) {
            return size() > RECENT_LIMIT;
        }
    };

    /**
     * Tracks a task. A task whose outcome was already seen (its event can beat the 202 answer)
     * completes at once.
     *
     * @return the future of its outcome; the same one when it is already tracked
     */
    CompletableFuture<TaskOutcome> track(String taskId) {
        CompletableFuture<TaskOutcome> existing = pending.get(taskId);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<TaskOutcome> f = new CompletableFuture<>();
        TaskOutcome known = recent.get(taskId);
        if (known != null) {
            f.complete(known);
        } else {
            pending.put(taskId, f);
        }
        return f;
    }

    /**
     * Records an outcome and hands back the future it ends, for the caller to complete (after it
     * has told its listeners, so that whoever sees the future done has seen them told).
     *
     * @return the future of the tracked task it ends now, else null (untracked or a repeat)
     */
    CompletableFuture<TaskOutcome> complete(TaskOutcome outcome) {
        if (recent.containsKey(outcome.taskId())) {
            return null;
        }
        recent.put(outcome.taskId(), outcome);
        return pending.remove(outcome.taskId());
    }

    /** Fails one tracked task (e.g. its conversation was deleted: the task answers 404). */
    void fail(String taskId, Throwable error) {
        CompletableFuture<TaskOutcome> f = pending.remove(taskId);
        if (f != null) {
            f.completeExceptionally(error);
        }
    }

    /** Fails every tracked task (the stream is closing). */
    void failAll(Throwable error) {
        List<CompletableFuture<TaskOutcome>> all = new ArrayList<>(pending.values());
        pending.clear();
        all.forEach(f -> f.completeExceptionally(error));
    }

    List<String> ids() {
        return List.copyOf(pending.keySet());
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }
}
