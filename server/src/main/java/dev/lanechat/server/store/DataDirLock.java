package dev.lanechat.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds {@code <data dir>/lanechat.lock} while a server uses the embedded store, so that a second
 * server on the same data dir refuses to start instead of sharing the SQLite file. That is what
 * lets a restarted server requeue the tasks it left running at once. A data dir or lock file it
 * creates is its user's only (rwx------, rw-------).
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirLock acquire(Path dataDir) {
        try {
            PrivateFiles.createDirectories(dataDir);
            PrivateFiles.createFile(dataDir.resolve("lanechat.lock"));
            FileChannel channel = FileChannel.open(
                    dataDir.resolve("lanechat.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new StoreSetupException("another Lanechat server is using " + dataDir.toAbsolutePath()
                        + "; stop it or give this one another --data-dir");
            }
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            throw new StoreSetupException(
                    "cannot use the data dir " + dataDir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process is ending; the OS releases the lock anyway
        }
    }
}
