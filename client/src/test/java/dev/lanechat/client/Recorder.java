// Test listener that records what a stream reports, for assertions from the test thread.
package dev.lanechat.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

final class Recorder implements StreamListener {
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
    final List<ConnectionStatus> statuses = new CopyOnWriteArrayList<>();
    final List<Long> readies = new CopyOnWriteArrayList<>();
    /** Each delta as "task@offset:delta". */
    final List<String> progress = new CopyOnWriteArrayList<>();
    /** Each gap as "task expected OFFSET got OFFSET". */
    final List<String> gaps = new CopyOnWriteArrayList<>();

    volatile int resets;

    @Override
    public void onEvent(Event event) {
        events.add(event);
    }

    @Override
    public void onTaskOutcome(TaskOutcome outcome) {
        outcomes.add(outcome);
    }

    @Override
    public void onStatus(ConnectionStatus status) {
        statuses.add(status);
    }

    @Override
    public void onReady(long lastId) {
        readies.add(lastId);
    }

    @Override
    public void onReset() {
        resets++;
    }

    @Override
    public void onProgress(String taskId, String messageId, String delta, long offset) {
        progress.add(taskId + "@" + offset + ":" + delta);
    }

    @Override
    public void onProgressGap(String taskId, long expectedOffset, long offset) {
        gaps.add(taskId + " expected " + expectedOffset + " got " + offset);
    }
}
