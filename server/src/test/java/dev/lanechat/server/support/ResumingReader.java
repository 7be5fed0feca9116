package dev.lanechat.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A socket client that behaves as protocol.md asks of one: it subscribes, and after any close or
 * failure it reconnects (to the same node, or to the next one of {@code nodes} when that one does
 * not answer) with {@code since} = the highest event id it has seen. It records every update in
 * the order received, so a test can assert that nothing was missed or repeated across reconnects.
 */
public final class ResumingReader extends Thread implements AutoCloseable {
    private final List<URI> nodes;
    private volatile int current;
    private volatile boolean stop;
    private volatile long since;
    /** Every update frame received, in order, across all connections. */
    public final List<JsonNode> updates = new CopyOnWriteArrayList<>();
    /** The node each successful subscribe went to (the {@code ready} frame arrived). */
    public final List<URI> connections = new CopyOnWriteArrayList<>();

    public volatile int resets;

    /** @param nodes the nodes' base URIs ({@code http://host:port}); starts on {@code first} */
    public ResumingReader(List<URI> nodes, int first) {
        super("resuming-reader");
        setDaemon(true);
        this.nodes = List.copyOf(nodes);
        this.current = first;
    }

    /** The highest event id received. */
    public long since() {
        return since;
    }

    @Override
    public void run() {
        while (!stop) {
            URI node = nodes.get(current % nodes.size());
            boolean subscribed = false;
            try (Socket socket = Socket.open(URI.create("ws://" + node.getAuthority() + "/ws"))) {
                socket.subscribe(since);
                while (!stop) {
                    JsonNode frame = socket.nextOrNull(Duration.ofMillis(200));
                    if (frame == null) {
                        if (!socket.isOpen()) {
                            break;
                        }
                        continue;
                    }
                    switch (frame.path("event").asText()) {
                        case "ready" -> {
                            subscribed = true;
                            connections.add(node);
                        }
                        case "reset" -> resets++;
                        case "update" -> {
                            updates.add(frame);
                            since = Math.max(since, frame.path("id").asLong());
                        }
                        default -> {}
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                // refused, or dropped mid-way: reconnect below
            }
            if (!subscribed) {
                current++; // this node does not answer: try the next one
            }
            pause(subscribed ? 100 : 300);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The update ids received, in order. */
    public List<Long> ids() {
        return updates.stream().map(u -> u.path("id").asLong()).toList();
    }

    @Override
    public void close() {
        stop = true;
        try {
            join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
