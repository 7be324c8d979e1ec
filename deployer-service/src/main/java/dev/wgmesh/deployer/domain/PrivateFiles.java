package dev.wgmesh.deployer.domain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/** Files only the owner can read (0600 in 0700 folders), written so a reader sees the old or the new bytes, never a mix. */
final class PrivateFiles {

    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final FileAttribute<Set<PosixFilePermission>> FILE_0600 = PosixFilePermissions.asFileAttribute(FILE_MODE);
    static final FileAttribute<Set<PosixFilePermission>> DIR_0700 = PosixFilePermissions.asFileAttribute(DIR_MODE);
    static final String TEMP_SUFFIX = ".tmp";

    private PrivateFiles() {
    }

    /** Creates the folder and any missing parents with 0700, and makes the folder itself 0700. */
    static void createDirectory(Path dir) throws IOException {
        // a removal at the same moment may delete an emptied parent (a group's folder) before the child is made
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(dir, DIR_0700);
                break;
            } catch (NoSuchFileException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        if (!Files.getPosixFilePermissions(dir).equals(DIR_MODE)) {
            Files.setPosixFilePermissions(dir, DIR_MODE);
        }
    }

    /**
     * Temp file in the same folder (0600 from its creation, so the secret is never readable by others),
     * fsync, atomic rename over the target. The caller syncs the folder once after all its renames.
     */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        replace(target, Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", TEMP_SUFFIX,
                FILE_0600), bytes, true);
    }

    /**
     * As {@link #writeAtomically} without the fsync: for a file fine to lose in a crash, never half-written.
     * Its one temp file is {@code .<name>.tmp}, for a file whose writers take turns under a lock: a temp
     * file that a crash left between creating and renaming it is replaced by the next write, not kept.
     */
    static void replaceAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + TEMP_SUFFIX);
        Files.deleteIfExists(temp);
        replace(target, Files.createFile(temp, FILE_0600), bytes, false);
    }

    private static void replace(Path target, Path temp, byte[] bytes, boolean sync) throws IOException {
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(channel, bytes);
                if (sync) {
                    channel.force(true);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            if (e instanceof AtomicMoveNotSupportedException) {
                throw new IOException("cannot rename atomically into " + target.getParent(), e);
            }
            throw e;
        }
    }

    /** Makes renames and deletions in the folder durable; some file systems cannot, then it is best effort. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system lets a folder be opened or synced; the renames are still atomic
        }
    }

    /** Writes a new file, 0600 from its creation; for temp folders that are deleted afterwards. */
    static void writeNew(Path target, byte[] bytes) throws IOException {
        try (var channel = Files.newByteChannel(target,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_0600)) {
            writeFully(channel, bytes);
        }
    }

    private static void writeFully(WritableByteChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Deletes the folder when it is empty; true when it is gone. */
    static boolean deleteIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (DirectoryNotEmptyException e) {
            return false;
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
