package dev.lanechat.server.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening connector, with an answer for the process's open-file limit (EMFILE: every
 * descriptor in use, each socket being one). Jetty's own connector then logs a stack trace and
 * stops accepting for a second, again and again, while new clients wait in the kernel's backlog
 * until their own timeout gives up. This one does what Node's libuv does: it keeps one descriptor
 * in reserve and, at the limit, frees it to accept each waiting connection and close it at once,
 * so that the client learns in a moment that it was not taken (its reconnect backoff, or a load
 * balancer, then does the rest). It logs one line when the limit is reached and one when a
 * connection is accepted again, with how many were turned away meanwhile.
 *
 * <p>One acceptor thread: the channel is switched to non-blocking while refusing, which must not
 * happen under another thread's blocking accept.
 */
public final class FileLimitConnector extends ServerConnector {
    private static final Logger log = LoggerFactory.getLogger(FileLimitConnector.class);
    /** How long the acceptor rests when at the limit with nobody waiting (accept fails at once then). */
    private static final long IDLE_AT_LIMIT_MS = 20;

    private FileChannel reserve;
    /** Acceptor thread only: whether the last accept failed at the limit, and how many were turned away since. */
    private boolean atLimit;

    private long refused;

    public FileLimitConnector(Server server, ConnectionFactory... factories) {
        super(server, 1, -1, factories);
    }

    @Override
    protected void doStart() throws Exception {
        reserve = openReserve();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        closeReserve();
    }

    @Override
    public void accept(int acceptorId) throws IOException {
        super.accept(acceptorId);
        if (atLimit) {
            atLimit = false;
            log.info("Accepting connections again; {} were turned away at the open-file limit", refused);
            refused = 0;
        }
    }

    @Override
    protected boolean handleAcceptFailure(Throwable failure) {
        if (!isRunning() || !isFileLimit(failure)) {
            return super.handleAcceptFailure(failure);
        }
        if (!atLimit) {
            atLimit = true;
            log.warn("At the process's open-file limit: new connections are closed on arrival until sockets close"
                    + " (raise `ulimit -n`, or add a node)");
        }
        long turnedAway = refuseWaiting();
        refused += turnedAway;
        if (turnedAway == 0) {
            try {
                Thread.sleep(IDLE_AT_LIMIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Frees the reserved descriptor, accepts and closes every connection waiting in the backlog,
     * and takes the descriptor back.
     */
    private long refuseWaiting() {
        if (reserve == null) {
            reserve = openReserve(); // a descriptor freed since may be had now
            return 0;
        }
        closeReserve();
        long n = 0;
        ServerSocketChannel channel = (ServerSocketChannel) getTransport();
        try {
            channel.configureBlocking(false);
            try {
                SocketChannel waiting;
                while ((waiting = channel.accept()) != null) {
                    waiting.close();
                    n++;
                }
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            // Another descriptor went meanwhile (or the channel closed): the acceptor tries again.
        }
        reserve = openReserve();
        return n;
    }

    private static boolean isFileLimit(Throwable failure) {
        return failure instanceof IOException
                && failure.getMessage() != null
                && failure.getMessage().contains("Too many open files");
    }

    private static FileChannel openReserve() {
        try {
            return FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void closeReserve() {
        if (reserve != null) {
            try {
                reserve.close();
            } catch (IOException e) {
                // nothing held
            }
            reserve = null;
        }
    }
}
