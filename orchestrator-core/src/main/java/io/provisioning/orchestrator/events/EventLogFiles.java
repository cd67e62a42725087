package io.provisioning.orchestrator.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The open {@code events.log} files of the event writer, the most recently used ones kept open.
 * A write that fails (a full disk) is cut back off the file, so a task's log never holds half a
 * line in the middle: what could not be written is lost whole, and counted by the caller.
 */
final class EventLogFiles implements AutoCloseable {
    private final Function<String, Path> fileOf;
    private final int maxOpen;
    private final Map<String, FileChannel> open;

    EventLogFiles(Function<String, Path> fileOf, int maxOpen) {
        this.fileOf = fileOf;
        this.maxOpen = maxOpen;
        this.open = new LinkedHashMap<>(maxOpen, 0.75f, true);
    }

    /** Appends {@code bytes} (whole lines) to the task's file, all or nothing. */
    void append(String taskId, byte[] bytes) throws IOException {
        FileChannel channel = channelOf(taskId);
        long before = channel.size();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, before + buffer.position());
            }
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException cutFailed) {
                e.addSuppressed(cutFailed);
                close(taskId); // reopened next time, which starts a fresh line after whatever stayed
            }
            throw e;
        }
    }

    /** Closes the task's file (its stream ended). */
    void close(String taskId) {
        FileChannel channel = open.remove(taskId);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing buffered: every write went straight to the file
            }
        }
    }

    private FileChannel channelOf(String taskId) throws IOException {
        FileChannel channel = open.get(taskId);
        if (channel != null) {
            return channel;
        }
        Path file = fileOf.apply(taskId);
        Files.createDirectories(file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (endsMidLine(channel)) {
            // a crash (or a cut that failed) left the last line short: start on a fresh one
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}), channel.size());
        }
        open.put(taskId, channel);
        if (open.size() > maxOpen) {
            close(open.keySet().iterator().next());
        }
        return channel;
    }

    private static boolean endsMidLine(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return false;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0) != '\n';
    }

    @Override
    public void close() {
        for (String taskId : open.keySet().toArray(String[]::new)) {
            close(taskId);
        }
    }
}
