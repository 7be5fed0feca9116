package dev.lanechat.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.events.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A user's recent frames on this node: a contiguous run after a cursor, and, on a miss (an event
 * committed by another node), one store read shared by every socket of the user that misses at
 * the same moment.
 */
class RecentEventsTest {
    private static SharedFrame frame(long id) {
        return SharedFrame.of(new Event("u1", id, "conversation.updated", "{\"n\":" + id + "}"));
    }

    @Test
    void onlyAContiguousRunAfterTheCursorIsServed() {
        RecentEvents recent = new RecentEvents();
        recent.add(frame(5));
        recent.add(frame(6));
        recent.add(frame(8));
        assertThat(recent.after(4, 10)).extracting(f -> f.event().id()).containsExactly(5L, 6L);
        assertThat(recent.after(6, 10)).isEmpty();
        assertThat(recent.after(4, 1)).hasSize(1);
    }

    @Test
    void twentySocketsMissingAtOnceReadTheStoreOnceAndGetTheSameFrames() throws Exception {
        RecentEvents recent = new RecentEvents();
        recent.add(frame(1));
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch allAsking = new CountDownLatch(20);
        List<CompletableFuture<List<SharedFrame>>> sockets = new ArrayList<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(20);
        for (int i = 0; i < 20; i++) {
            sockets.add(CompletableFuture.supplyAsync(
                    () -> {
                        allAsking.countDown();
                        return recent.afterOrRead(1, 10, () -> {
                            reads.incrementAndGet();
                            try {
                                allAsking.await(); // every other socket is asking meanwhile
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return List.of(frame(2), frame(3));
                        });
                    },
                    threads));
        }
        for (CompletableFuture<List<SharedFrame>> socket : sockets) {
            assertThat(socket.get()).extracting(f -> f.event().id()).containsExactly(2L, 3L);
        }
        threads.shutdown();
        assertThat(reads).as("one store read for all twenty").hasValue(1);
        assertThat(recent.after(1, 10)).extracting(f -> f.event().id()).containsExactly(2L, 3L);
        assertThat(recent.afterOrRead(3, 10, List::of))
                .as("nothing newer anywhere")
                .isEmpty();
    }
}
