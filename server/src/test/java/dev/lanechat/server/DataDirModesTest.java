package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.lanechat.server.support.TestServer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: the data dir and the SQLite files a server creates are its user's only. */
class DataDirModesTest {
    @TempDir
    Path parent;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aFreshDataDirIsRwxOnlyForTheOwnerAndTheStoreFilesRwOnly() throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        assumeThat(TestServer.postgres()).as("the SQLite files").isFalse();
        Path dataDir = parent.resolve("fresh").resolve("data");
        try (TestServer server = TestServer.start(dataDir)) {
            server.http().createConversation(); // a write: the WAL has content
            assertThat(mode(dataDir)).isEqualTo("rwx------");
            assertThat(mode(dataDir.getParent())).isEqualTo("rwx------");
            assertThat(mode(dataDir.resolve("lanechat.db"))).isEqualTo("rw-------");
            assertThat(mode(dataDir.resolve("lanechat.lock"))).isEqualTo("rw-------");
            assertThat(dataDir.resolve("lanechat.db-wal")).exists();
            try (var files = Files.list(dataDir)) {
                for (Path file : files.toList()) {
                    assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
                }
            }
        }
    }
}
