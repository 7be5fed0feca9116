package dev.lanechat.bench;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The per-connection listener of a {@link Gen.Stream}: reads Lanechat's frames (also the ws
 * peer's) or Socket.IO's framing of them, and tells the stream.
 */
public final class SocketListener implements Session.Listener.AutoDemanding {
    private final Gen.Stream stream;
    volatile boolean dead;
    volatile boolean ready;

    SocketListener(Gen.Stream stream) {
        this.stream = stream;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        if (dead) {
            session.disconnect(); // abandoned while it was being set up
            return;
        }
        stream.session = session;
        if (stream.proto == Gen.Proto.PLAIN) {
            stream.subscribe(session);
        }
    }

    @Override
    public void onWebSocketText(String text) {
        if (dead) {
            return;
        }
        if (stream.proto == Gen.Proto.PLAIN) {
            if (text.startsWith("{\"event\":\"update\"")) {
                stream.onUpdate(Frames.eventId(text), text);
            } else if (text.startsWith("{\"event\":\"ready\"")) {
                ready = true;
                stream.onReady(Frames.lastId(text));
            } else if (text.startsWith("{\"event\":\"reset\"")) {
                stream.resets.incrementAndGet();
            } else if (text.startsWith("{\"event\":\"error\"")) {
                stream.lastError = text;
                if (text.contains("\"over_capacity\"")) {
                    stream.overCapacity.incrementAndGet();
                }
                stream.retryAfter(Frames.retryAfterMs(text));
            }
            return;
        }
        // Socket.IO over Engine.IO v4: 0 open, 2 ping, 40 connected, 42[...] event
        if (text.startsWith("42[\"update\"")) {
            stream.onUpdate(Frames.eventId(text), text);
        } else if (text.equals("2")) {
            stream.session.sendText("3", Callback.NOOP);
        } else if (text.startsWith("0{")) {
            stream.session.sendText("40", Callback.NOOP);
        } else if (text.startsWith("40")) {
            stream.subscribe(stream.session);
        } else if (text.startsWith("42[\"ready\"")) {
            ready = true;
            stream.onReady(Frames.lastId(text));
        } else if (text.startsWith("42[\"reset\"")) {
            stream.resets.incrementAndGet();
        } else if (text.startsWith("41")) {
            stream.session.close(1000, "disconnected", Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketClose(int status, String reason) {
        if (dead) {
            return;
        }
        dead = true;
        if (!ready && stream.lastError == null) {
            // Closed before ready (refused, timed out): a failure, even if its error frame was
            // not recognised, so that openMany does not wait its whole timeout for it.
            stream.lastError = "closed " + status + " before ready: " + reason;
        }
        stream.closes.incrementAndGet();
        stream.session = null;
        stream.dropped();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        stream.lastError = cause.toString();
    }
}
