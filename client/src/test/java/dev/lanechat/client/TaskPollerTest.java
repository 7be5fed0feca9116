// Unit tests of the HTTP fallback on the manual clock: every pending task each interval while
// polling is needed, one request per task at a time, 404 as gone, nothing after close.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskPollerTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final List<String> pending = new CopyOnWriteArrayList<>(List.of("a", "b"));
    /** Each request as "id@ms", and the answer the test gives it, by id (the latest). */
    private final List<String> asked = new CopyOnWriteArrayList<>();

    private final Map<String, CompletableFuture<Task>> answers = new ConcurrentHashMap<>();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private volatile boolean needed = true;

    private final TaskPoller poller = new TaskPoller(
            clock,
            id -> {
                asked.add(id + "@" + clock.nowMillis());
                CompletableFuture<Task> f = new CompletableFuture<>();
                answers.put(id, f);
                return f;
            },
            Duration.ofSeconds(2),
            () -> List.copyOf(pending),
            () -> needed,
            new TaskPoller.Sink() {
                @Override
                public void finished(Task task) {
                    heard.add("finished " + task.taskId());
                }

                @Override
                public void gone(String taskId, LanechatApiException notFound) {
                    heard.add("gone " + taskId);
                }

                @Override
                public void answered(Throwable failure) {
                    heard.add(failure == null ? "answered" : "failed");
                }
            });

    @AfterEach
    void tearDown() {
        clock.shutdown();
    }

    private void onLoop(Runnable r) {
        clock.execute(r);
        clock.drain();
    }

    private static Task task(String id, String status) {
        return new Task(id, status, "demo", "c", "m", null, null, null, null);
    }

    private void answer(String id, Task t) {
        answers.get(id).complete(t);
        clock.drain();
    }

    @Test
    void asksForEveryPendingTaskEachIntervalWhileNeeded() {
        onLoop(poller::ensure);
        onLoop(poller::ensure); // a second call does not start a second interval
        clock.advance(Duration.ofSeconds(2));
        answer("a", task("a", "running"));
        answer("b", task("b", "completed"));
        pending.remove("b");
        clock.advance(Duration.ofSeconds(2));
        answer("a", task("a", "failed"));
        assertThat(asked).containsExactly("a@2000", "b@2000", "a@4000");
        assertThat(heard).containsExactly("answered", "answered", "finished b", "answered", "finished a");

        needed = false; // the socket is subscribed again
        clock.advance(Duration.ofSeconds(10));
        assertThat(asked).hasSize(3);
    }

    @Test
    void pauseStopsTheIntervalAndEnsureStartsItAgain() {
        onLoop(poller::ensure);
        onLoop(poller::pause);
        clock.advance(Duration.ofSeconds(5));
        assertThat(asked).isEmpty();
        onLoop(poller::ensure);
        clock.advance(Duration.ofSeconds(2));
        assertThat(asked).containsExactly("a@7000", "b@7000");
    }

    @Test
    void oneRequestPerTaskIsInFlight() {
        onLoop(poller::ensure);
        clock.advance(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2)); // a and b have not answered yet
        onLoop(poller::sweep);
        assertThat(asked).containsExactly("a@2000", "b@2000");
        answer("a", task("a", "running"));
        onLoop(() -> poller.poll("a"));
        assertThat(asked).containsExactly("a@2000", "b@2000", "a@4000");
    }

    @Test
    void aTaskThatAnswers404IsGone() {
        onLoop(() -> poller.poll("a"));
        answers.get("a").completeExceptionally(new LanechatApiException(404, "not_found", "no task", null));
        clock.drain();
        assertThat(heard).containsExactly("failed", "gone a");
    }

    @Test
    void afterCloseNothingIsAskedAndLateAnswersAreIgnored() {
        onLoop(poller::ensure);
        clock.advance(Duration.ofSeconds(2));
        onLoop(poller::close);
        answer("a", task("a", "completed"));
        clock.advance(Duration.ofSeconds(10));
        onLoop(() -> poller.poll("b"));
        assertThat(asked).containsExactly("a@2000", "b@2000");
        assertThat(heard).isEmpty();
    }
}
