package dev.lanechat.server.stream;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

/**
 * A socket endpoint on Jetty's core WebSocket API that hands its subclass whole text messages,
 * doing what Jetty's WebSocket API layer did for it: text fragments put together, UTF-8 checked
 * (Jetty closes with 1007 when it is not), at most {@link #MAX_MESSAGE_BYTES} a message (1009),
 * pings answered with a pong carrying the same payload, and the next frame asked for (demanded)
 * once one is handled.
 *
 * <p>Why not Jetty's WebSocket API: per socket it adds a {@code JettyWebSocketFrameHandler} with
 * eight bound method handles, a {@code WebSocketSession}, the session tracker's map entry, and the
 * upgrade request that the API keeps for {@code getUpgradeRequest()}, whose header copy still holds
 * the HTTP/1 connection, its parser and channel: about 5.0 KB of an idle socket's 9.7 KB of heap
 * (bench/HEAP-PER-SOCKET.md).
 */
abstract class TextSocket implements FrameHandler {
    /** The contract's limit for one frame from the client, as a whole message (protocol.md). */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private volatile CoreSession session;
    /** A text message that came in fragments so far (rare: browsers send one frame), else null. */
    private Utf8StringBuilder partial;

    private int partialBytes;

    /** The socket is open: {@link #session()} may be used from here on. */
    abstract void opened();

    /** A whole text message, valid UTF-8 of at most {@link #MAX_MESSAGE_BYTES}. */
    abstract void onText(String text);

    /** The first frame of a binary message (the protocol has none; the rest of it is dropped). */
    abstract void onBinary();

    /** The socket is closed, whichever side closed it or if the connection broke. */
    abstract void onClosed();

    /** Jetty's session of this socket (null before it opened). */
    final CoreSession session() {
        return session;
    }

    @Override
    public final void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        try {
            opened();
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public final void onFrame(Frame frame, Callback callback) {
        try {
            switch (frame.getOpCode()) {
                case OpCode.TEXT, OpCode.CONTINUATION -> onTextFrame(frame, callback);
                case OpCode.BINARY -> {
                    callback.succeeded();
                    onBinary();
                    session.demand();
                }
                case OpCode.PING ->
                    session.sendFrame(
                            new Frame(OpCode.PONG).setPayload(frame.getPayload()),
                            Callback.from(
                                    () -> {
                                        callback.succeeded();
                                        session.demand();
                                    },
                                    callback::failed),
                            false);
                case OpCode.CLOSE -> callback.succeeded(); // Jetty answers the close, then calls onClosed
                default -> {
                    callback.succeeded(); // a pong
                    session.demand();
                }
            }
        } catch (RuntimeException e) {
            callback.failed(e); // Jetty closes with 1011
        }
    }

    /**
     * A text frame or a continuation: Jetty has checked the sequence (a continuation follows a
     * frame that was not the last of its message), so a continuation without a text message in
     * progress belongs to a binary one, refused at its first frame.
     */
    private void onTextFrame(Frame frame, Callback callback) {
        boolean first = frame.getOpCode() == OpCode.TEXT;
        Utf8StringBuilder text = first ? null : partial;
        if (!first && text == null) {
            callback.succeeded();
            session.demand();
            return;
        }
        int bytes = (first ? 0 : partialBytes) + frame.getPayloadLength();
        if (bytes > MAX_MESSAGE_BYTES) {
            partial = null;
            callback.failed(new MessageTooLargeException("A text message over " + MAX_MESSAGE_BYTES + " bytes"));
            return;
        }
        if (text == null) {
            text = new Utf8StringBuilder(frame.getPayloadLength());
        }
        text.append(frame.getPayload());
        if (text.hasCodingErrors()) {
            partial = null;
            callback.failed(new BadPayloadException.InvalidUtf8());
            return;
        }
        if (!frame.isFin()) {
            partial = text;
            partialBytes = bytes;
            callback.succeeded();
            session.demand();
            return;
        }
        partial = null;
        String message;
        try {
            message = text.takeCompleteString(BadPayloadException.InvalidUtf8::new);
        } catch (BadPayloadException e) {
            callback.failed(e);
            return;
        }
        onText(message);
        callback.succeeded();
        session.demand();
    }

    @Override
    public final void onError(Throwable cause, Callback callback) {
        onFailure(cause);
        callback.succeeded();
    }

    /** Jetty reports a failure of the socket (it closes it, and {@link #onClosed()} follows). */
    abstract void onFailure(Throwable cause);

    @Override
    public final void onClosed(org.eclipse.jetty.websocket.core.CloseStatus status, Callback callback) {
        onClosed();
        callback.succeeded();
    }
}
