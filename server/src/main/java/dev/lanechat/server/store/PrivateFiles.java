package dev.lanechat.server.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates the data dir and the store's files for the server's own user only: a folder rwx------
 * and files rw------- (on a POSIX file system; elsewhere as the system makes them). What already
 * exists is left as it is: an admin may have chosen its modes.
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code dir} and any missing parents, each rwx------. */
    static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        if (!posix()) {
            Files.createDirectories(absolute);
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIR));
            // The mode given to mkdir is narrowed by the umask; set it exactly.
            Files.setPosixFilePermissions(absolute, DIR);
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by someone else: theirs to keep
        }
    }

    /** Creates {@code file} empty and rw------- unless it exists. */
    static void createFile(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            if (posix()) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
                Files.setPosixFilePermissions(file, FILE);
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by someone else: theirs to keep
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
