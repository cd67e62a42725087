package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time per data dir: an OS lock on {@code queue.rkvs/lock}, held while the
 * store is open. The OS drops it when the process dies, so a crash leaves nothing to clean up.
 * It keeps a second orchestrator, or an offline migration, off files a running one is writing.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock take(Path root) throws IOException {
        Files.createDirectories(root);
        Path file = root.resolve("lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new StorageException("the data dir " + root.getParent() + " is in use by a running orchestrator "
                    + "(it holds " + file + "); stop it first");
        }
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock anyway; nothing is left to do
        }
    }
}
