package dev.lanechat.server.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The one mapper: the wire's rules, and buffers from one bounded pool rather than one set per thread. */
class JsonTest {
    private final ObjectMapper json = Json.newMapper();

    @Test
    void readsSnakeCaseStrictly() throws Exception {
        record Frame(String taskId) {}
        assertThat(json.readValue("{\"task_id\":\"t1\"}", Frame.class).taskId()).isEqualTo("t1");
        assertThatThrownBy(() -> json.readTree("{\"a\":1} {}")).hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> json.readTree("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate field");
    }

    @Test
    void threadsThatParsedKeepNoBuffersOfTheirOwn() throws Exception {
        var pool = json.getFactory()._getRecyclerPool();
        assertThat(pool).isNotSameAs(JsonRecyclerPools.threadLocalPool());
        // Many threads parse once each; with a per-thread pool each would keep its own recycler.
        List<Thread> threads = new ArrayList<>();
        CountDownLatch parsed = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            Thread t = new Thread(() -> {
                try {
                    JsonNode node = json.readTree("{\"token\":\"stream\"}");
                    assertThat(node.get("token").asText()).isEqualTo("stream");
                    parsed.countDown();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(parsed.getCount()).isZero();
        assertThat(pool.pooledCount()).as("what the pool keeps").isBetween(1, Json.POOLED_BUFFERS);
        BufferRecycler taken = pool.acquirePooled();
        assertThat(taken).isNotNull();
        pool.releasePooled(taken);
    }
}
