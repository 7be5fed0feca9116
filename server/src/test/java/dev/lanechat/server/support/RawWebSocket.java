package dev.lanechat.server.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a bare TCP socket, for what {@link Socket} (the JDK's client) refuses to
 * send: text frames that are not UTF-8, reserved opcodes and bits, raw garbage after the upgrade.
 * Fuzzing only; it reads the server's frames just far enough to find its close code.
 */
public final class RawWebSocket implements AutoCloseable {
    /** What {@link #awaitClose} saw: the close code, or -1 when the connection ended without a close frame. */
    public record Closed(int code, String textBefore) {}

    private final java.net.Socket tcp;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(int port, String localAddress) throws IOException {
        tcp = new java.net.Socket();
        if (localAddress != null) {
            tcp.bind(new InetSocketAddress(localAddress, 0));
        }
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        tcp.setSoTimeout(10_000);
        in = tcp.getInputStream();
        out = tcp.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(upgrade.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }

    /** Opens {@code ws://127.0.0.1:port/ws} (no Origin, so any server accepts it). */
    public static RawWebSocket open(int port) throws IOException {
        return new RawWebSocket(port, null);
    }

    /** Opens {@code ws://127.0.0.1:port/ws} from this local address (another loopback one, such as 127.0.0.2). */
    public static RawWebSocket openFrom(String localAddress, int port) throws IOException {
        return new RawWebSocket(port, localAddress);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the upgrade answer: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one masked frame with the given first byte (FIN, RSV bits and opcode) and payload. */
    public void sendFrame(int firstByte, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        int n = payload.length;
        if (n < 126) {
            frame.write(0x80 | n);
        } else if (n < 65_536) {
            frame.write(0x80 | 126);
            frame.write(n >>> 8);
            frame.write(n);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) n >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < n; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A final text frame with these exact bytes (valid UTF-8 or not). */
    public void sendText(byte[] payload) throws IOException {
        sendFrame(0x81, payload);
    }

    /** Bytes straight onto the connection, framed or not. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads the server's frames until its close frame (its code), the end of the connection (-1), or
     * the timeout of 10 s (an exception). Text frames before the close are kept for the caller.
     */
    public Closed awaitClose() throws IOException {
        StringBuilder text = new StringBuilder();
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    return new Closed(-1, text.toString());
                }
                int b1 = readByte();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (readByte() << 8) | readByte();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | readByte();
                    }
                }
                byte[] payload = in.readNBytes((int) len);
                int opcode = b0 & 0x0f;
                if (opcode == 0x8) {
                    return new Closed(
                            payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005,
                            text.toString());
                }
                if (opcode == 0x1) {
                    text.append(new String(payload, StandardCharsets.UTF_8)).append('\n');
                }
            }
        } catch (java.net.SocketException | EOFException e) {
            return new Closed(-1, text.toString()); // reset by the server
        } catch (SocketTimeoutException e) {
            throw new IOException("the server did not close the socket within 10 s; it sent: " + text, e);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() {
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
