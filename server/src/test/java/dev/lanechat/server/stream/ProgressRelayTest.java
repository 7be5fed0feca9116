package dev.lanechat.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.json.Json;
import dev.lanechat.server.tasks.Claim;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the relay sends of a task's text that is still waiting when its processor returns. The
 * frames are watched where they leave for the other nodes (the same frames the local sockets
 * get); the relay's timer thread is held until each case has made its calls, so what waits is
 * known exactly.
 */
class ProgressRelayTest {
    private static final Claim TASK = new Claim("t1", "lease", "u1", "c1", "m1", "demo", 1);

    private final ObjectMapper json = Json.newMapper();
    private final List<String> frames = new CopyOnWriteArrayList<>();
    private final CountDownLatch timerHeld = new CountDownLatch(1);
    private ScheduledExecutorService timers;
    private ProgressRelay relay;

    @BeforeEach
    void holdTheTimer() {
        timers = Executors.newSingleThreadScheduledExecutor();
        timers.execute(() -> {
            try {
                timerHeld.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        relay = new ProgressRelay(new Hub(null), json, timers, (user, frame) -> frames.add(frame));
        relay.started(TASK);
        relay.progress(TASK, "Once ", 0);
        relay.progress(TASK, "upon ", 5);
        relay.progress(TASK, "a time", 10);
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void anAnsweredTaskSendsNothingThatWaitedItsFinalEventCarriesIt() throws Exception {
        relay.answered(TASK.taskId());
        relay.ended(TASK.taskId()); // the runner's finally
        releaseTheTimer();
        assertThat(frames).as("preview frames after the answer").isEmpty();
        assertThat(relay.textSoFar(TASK.taskId())).contains("Once upon a time");
    }

    @Test
    void anotherEndSendsWhatWaitedAtOnceAndNothingAfter() throws Exception {
        relay.ended(TASK.taskId());
        assertThat(frames).hasSize(1);
        assertThat(delta(frames.get(0))).isEqualTo("Once upon a time");
        relay.progress(TASK, " late", 16);
        releaseTheTimer();
        assertThat(frames).as("nothing after the end").hasSize(1);
    }

    @Test
    void aStopThatWinsOverTheAnswerSendsWhatWaitedSoTheFramesAddUpToTheKeptText() throws Exception {
        relay.answered(TASK.taskId());
        assertThat(relay.stop(TASK.taskId())).contains("Once upon a time");
        assertThat(frames).hasSize(1);
        assertThat(delta(frames.get(0))).isEqualTo("Once upon a time");
        releaseTheTimer();
        assertThat(frames).hasSize(1);
    }

    /**
     * The first frame of a stream waits a moment (an answer ready within it sends no preview at
     * all); later ones follow the gap since the frame before.
     */
    @Test
    void theFirstFrameWaitsFirstWaitLaterOnesTheGapSinceTheLast() throws Exception {
        List<Long> delays = new CopyOnWriteArrayList<>();
        ScheduledThreadPoolExecutor recording = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                delays.add(unit.toMillis(delay));
                return super.schedule(command, delay, unit);
            }
        };
        try {
            List<String> sent = new CopyOnWriteArrayList<>();
            ProgressRelay fresh = new ProgressRelay(new Hub(null), json, recording, (user, frame) -> sent.add(frame));
            Claim task = new Claim("t2", "lease", "u1", "c1", "m2", "demo", 1);
            fresh.started(task);
            fresh.progress(task, "Once ", 0);
            assertThat(delays).containsExactly(ProgressRelay.FIRST_WAIT_MS);
            recording
                    .schedule(() -> {}, ProgressRelay.FIRST_WAIT_MS + 100, TimeUnit.MILLISECONDS)
                    .get(5, TimeUnit.SECONDS);
            assertThat(sent).hasSize(1);
            fresh.progress(task, "upon", 5);
            assertThat(delays.get(2)).as("the next frame's wait").isBetween(0L, ProgressRelay.MIN_GAP_MS);
        } finally {
            recording.shutdownNow();
        }
    }

    /** Lets the timer run the flushes scheduled meanwhile, and waits until it has. */
    private void releaseTheTimer() throws Exception {
        timerHeld.countDown();
        timers.schedule(() -> {}, 100, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    }

    private String delta(String frame) throws Exception {
        JsonNode data = json.readTree(frame).path("data");
        assertThat(data.path("offset").asInt()).isZero();
        return data.path("delta").asText();
    }
}
