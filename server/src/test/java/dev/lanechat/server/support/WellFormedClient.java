package dev.lanechat.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a message every 50 ms and waits for its result on a subscribed socket, the whole time
 * the fuzzing runs; any failure is kept and fails the next try.
 */
final class WellFormedClient extends Thread {
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicInteger served = new AtomicInteger();
    private final TestServer server;
    private volatile boolean stop;

    WellFormedClient(TestServer server) {
        super("well-formed-client");
        this.server = server;
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            Http http = server.http();
            String conversation = http.createConversation().path("id").asText();
            Socket socket = server.socket().subscribe();
            socket.ready();
            while (!stop) {
                String taskId = http.send(conversation, "well-formed " + served.get())
                        .path("task_id")
                        .asText();
                JsonNode update;
                do {
                    update = socket.update();
                } while (!update.path("data").path("task_id").asText().equals(taskId));
                assertThat(update.path("data").path("type").asText()).isEqualTo("task.completed");
                served.incrementAndGet();
                Thread.sleep(50);
            }
        } catch (Throwable e) {
            failures.add(e.toString());
        }
    }

    void check() {
        assertThat(failures).as("the well-formed client meanwhile").isEmpty();
    }

    void finish() throws InterruptedException {
        stop = true;
        join(15_000);
        check();
        assertThat(served.get())
                .as("results the well-formed client got during the fuzzing")
                .isPositive();
    }
}
