// Test listener that records what a stream reports, for assertions from the test thread.
package dev.lanechat.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

final class Recorder implements StreamListener {
  final List<Event> events = new CopyOnWriteArrayList<>();
  final List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
  final List<ConnectionStatus> statuses = new CopyOnWriteArrayList<>();
  final List<Long> readies = new CopyOnWriteArrayList<>();
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
}
