package io.provisioning.orchestrator.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Space set aside for the audit log on its own disk: a file of {@link #BYTES} real blocks
 * ({@code .reserve}, next to the log). When an entry cannot be written for lack of space, the
 * reserve is given up and the entry written into the room it leaves, so a request let through
 * because the disk still had room never goes unaudited; the log then refuses further mutating
 * requests until the disk has room for the reserve again.
 */
final class AuditReserve {
    static final String FILE = ".reserve";
    static final int BYTES = 256 * 1024;
    /** Below this much free space, the disk counts as full for the audit log. */
    static final long MARGIN_BYTES = 64 * 1024;
    private final Path file;

    AuditReserve(Path dir) {
        this.file = dir.resolve(FILE);
    }

    boolean isHeld() {
        try {
            return Files.isRegularFile(file) && Files.size(file) >= BYTES;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the reserve (zeros, synced) unless it is there; a failed try leaves no half reserve. */
    void take() throws IOException {
        if (isHeld()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer zeros = ByteBuffer.allocate(BYTES);
            while (zeros.hasRemaining()) {
                ch.write(zeros);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Gives the space back to the disk; true if there was a reserve to give. */
    boolean release() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            return false;
        }
    }

    /** Free bytes on the disk of the audit log, for an unprivileged writer. */
    long freeBytes() {
        try {
            FileStore known = store;
            if (known == null) {
                known = Files.getFileStore(file.getParent()); // finds the mount: kept, each call after is one statvfs
                store = known;
            }
            return known.getUsableSpace();
        } catch (IOException e) {
            store = null;
            return 0;
        }
    }

    private volatile FileStore store;
}
