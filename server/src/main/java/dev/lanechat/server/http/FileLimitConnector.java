package dev.lanechat.server.http;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * The listening connector, with an answer for the process's open-file limit (each socket is one
 * descriptor). Jetty's own connector accepts until accept fails with EMFILE, then logs a stack
 * trace and stops accepting for a second, again and again, while new clients wait in the kernel's
 * backlog until their own timeout gives up; and by then every descriptor is a socket, so the
 * store cannot open a file or reconnect to PostgreSQL either.
 *
 * <p>This one keeps a budget: at start it takes the limit, minus what the process already holds,
 * minus {@link #SPARE_DESCRIPTORS} for what the store, the lanes' outgoing calls and the JVM open
 * later, as the most connections it holds. At that many it accepts each waiting connection and
 * closes it at once, so that the client learns in a moment that it was not taken (its reconnect
 * backoff, or a load balancer, does the rest), the way Node's libuv does at EMFILE. Should the
 * limit be reached anyway (something else took descriptors), the same happens with one
 * descriptor kept in reserve and freed for the purpose, and the budget drops to one connection
 * fewer than were held then. It logs one line when the limit is reached and one when a connection
 * is accepted again, with how many were turned away meanwhile.
 *
 * <p>One acceptor thread: the channel is switched to non-blocking while refusing, which must not
 * happen under another thread's blocking accept.
 */
public final class FileLimitConnector extends ServerConnector {
    private static final Logger log = LoggerFactory.getLogger(FileLimitConnector.class);
    /** How long the acceptor rests when at the limit with nobody waiting. */
    private static final long IDLE_AT_LIMIT_MS = 20;
    /**
     * Descriptors left to the rest of the process beside the connections: the SQLite pool (two
     * per connection) or the PostgreSQL pool (one each) while it fills or reconnects, the lanes'
     * outgoing HTTP calls, lazily opened files.
     */
    static final int SPARE_DESCRIPTORS = 32;

    private FileChannel reserve;
    /** The process's open-file limit, read at start (-1 where the JVM cannot tell). */
    private long descriptorLimit = -1;
    /** The most connections held at once; set at start from the process's limit. */
    private volatile int maxConnections = Integer.MAX_VALUE;
    /** Acceptor thread only: whether the last accept failed at the limit, and how many were turned away since. */
    private boolean atLimit;

    private long refused;

    public FileLimitConnector(Server server, ConnectionFactory... factories) {
        super(server, 1, -1, factories);
    }

    @Override
    protected void doStart() throws Exception {
        reserve = openReserve();
        // The budget: the limit, less what the process holds now, less the spare; no bound where
        // the JVM cannot tell (not a Unix).
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            descriptorLimit = os.getMaxFileDescriptorCount();
            long budget = descriptorLimit - os.getOpenFileDescriptorCount() - SPARE_DESCRIPTORS;
            maxConnections = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget));
        }
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        closeReserve();
    }

    @Override
    public void accept(int acceptorId) throws IOException {
        if (getConnectedEndPoints().size() >= maxConnections) {
            atTheLimit();
            rest(refuseWaiting());
            return;
        }
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
        // Something else holds the descriptors the budget left: from now on hold one connection
        // fewer than this, so that a descriptor that comes free goes to turning clients away
        // (and to the reserve) rather than to one more connection.
        maxConnections =
                Math.max(1, Math.min(maxConnections, getConnectedEndPoints().size() - 1));
        atTheLimit();
        rest(refuseWaiting());
        return !Thread.currentThread().isInterrupted();
    }

    /** Logs the first time the limit is reached since connections were last accepted. */
    private void atTheLimit() {
        if (!atLimit) {
            atLimit = true;
            log.warn(
                    "At the open-file limit: new connections are closed on arrival until sockets close"
                            + " ({} connections held, {} descriptors allowed; raise `ulimit -n`, or add a node)",
                    getConnectedEndPoints().size(),
                    descriptorLimit);
        }
    }

    /** Counts {@code turnedAway}, and if nobody was waiting rests a moment before the next look. */
    private void rest(long turnedAway) {
        refused += turnedAway;
        if (turnedAway == 0) {
            try {
                Thread.sleep(IDLE_AT_LIMIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopping: the acceptor loop ends
            }
        }
    }

    /**
     * Frees the reserved descriptor, accepts and closes every connection waiting in the backlog,
     * and takes the descriptor back. Without a reserve (another thread took the freed descriptor
     * last time) it does the same with whatever descriptor is free, and takes the next one back.
     */
    private long refuseWaiting() {
        closeReserve();
        long n = closeWaiting();
        reserve = openReserve();
        return n;
    }

    /** Accepts and closes every connection waiting in the backlog; how many there were. */
    private long closeWaiting() {
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
            // At EMFILE with the reserve taken by another thread meanwhile, or the channel closed:
            // the acceptor tries again.
        }
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
