package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.durability.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * The hash of every stored key record, in order, so that a scan pages through the keys without
 * them in memory: {@code key-index/keys.sorted} (fixed 65-byte lines, so a binary search finds a
 * place without any index in memory) and {@code keys.log}, the hashes written since (appended
 * by the checkpointer before the record files, synced with them; in memory as {@link #recent},
 * bounded by the compaction). A compaction merges both into a new sorted file (synced, renamed
 * into place) and then empties the log; a hash in both is the same key.
 */
final class KeyList implements AutoCloseable {
    static final int LINE = 65;

    private final Path sorted;
    private final Path log;
    private final FileChannel logChannel;
    private long logEnd;
    private volatile NavigableSet<String> recent = new ConcurrentSkipListSet<>();

    /** Opens the list in {@code dir}; a store without one gets it built once from the record files in {@code records}. */
    KeyList(Path dir, Path records) throws IOException {
        this.sorted = dir.resolve("keys.sorted");
        this.log = dir.resolve("keys.log");
        Files.createDirectories(dir);
        if (!Files.exists(sorted)) {
            TreeSet<String> all = new TreeSet<>();
            try (Stream<Path> files = Files.list(records)) {
                files.forEach(file -> {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".json") && IdempotencyFiles.isHash(name.substring(0, name.length() - 5))) {
                        all.add(name.substring(0, name.length() - 5));
                    }
                });
            }
            writeSorted(all.iterator());
            Files.deleteIfExists(log);
        }
        logChannel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long whole = logChannel.size() / LINE * LINE; // a torn last line was never covered by a dropped journal segment
        ByteBuffer buffer = ByteBuffer.allocate((int) whole);
        while (buffer.hasRemaining() && logChannel.read(buffer, buffer.position()) >= 0) {
            // read all
        }
        byte[] bytes = buffer.array();
        for (int at = 0; at + LINE <= bytes.length; at += LINE) {
            String hash = new String(bytes, at, LINE - 1, StandardCharsets.US_ASCII);
            if (IdempotencyFiles.isHash(hash) && bytes[at + LINE - 1] == '\n') {
                recent.add(hash);
            }
        }
        logChannel.truncate(whole);
        logEnd = whole;
        AtomicFiles.fsyncDirectory(dir);
    }

    /** The log file, for the checkpointer to sync with the record files. */
    Path logFile() {
        return log;
    }

    /** Appends hashes to the log (synced by the caller's sync) and to memory. */
    synchronized void add(List<String> hashes) throws IOException {
        if (hashes.isEmpty()) {
            return;
        }
        byte[] bytes = new byte[hashes.size() * LINE];
        for (int i = 0; i < hashes.size(); i++) {
            byte[] hash = hashes.get(i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(hash, 0, bytes, i * LINE, LINE - 1);
            bytes[i * LINE + LINE - 1] = '\n';
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long at = logEnd;
        try {
            while (buffer.hasRemaining()) {
                at += logChannel.write(buffer, at);
            }
        } catch (IOException e) {
            logChannel.truncate(logEnd);
            throw e;
        }
        logEnd = at;
        recent.addAll(hashes);
    }

    /** Hashes in memory, since the last compaction (tests). */
    int inMemory() {
        return recent.size();
    }

    /** When {@code at} hashes are in memory, merges them into a new sorted file and empties the log. */
    synchronized void compactIfDue(int at) throws IOException {
        NavigableSet<String> merging = recent;
        if (merging.size() < at) {
            return;
        }
        Path temp = sorted.resolveSibling("keys.sorted.tmp");
        try (FileChannel old = FileChannel.open(sorted, StandardOpenOption.READ)) {
            Iterator<String> fromFile = new SortedFile(old).from(0);
            writeSorted(temp, new Merged(List.of(fromFile, merging.iterator())));
        }
        Files.move(temp, sorted, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.fsyncDirectory(sorted.getParent());
        recent = new ConcurrentSkipListSet<>();
        logChannel.truncate(0);
        logChannel.force(true);
        logEnd = 0;
    }

    /** Up to {@code limit} hashes above {@code after} ({@code ""}: from the first), ascending, each once. */
    List<String> after(String after, int limit) throws IOException {
        NavigableSet<String> inMemory = recent; // read before the file: a compaction renames first, then lets memory go
        List<String> page = new ArrayList<>(Math.min(limit, 4096));
        try (FileChannel file = FileChannel.open(sorted, StandardOpenOption.READ)) {
            SortedFile onDisk = new SortedFile(file);
            Iterator<String> merged = new Merged(List.of(onDisk.from(onDisk.firstAbove(after)),
                    inMemory.tailSet(after, false).iterator()));
            while (merged.hasNext() && page.size() < limit) {
                page.add(merged.next());
            }
        }
        return page;
    }

    private void writeSorted(Iterator<String> hashes) throws IOException {
        Path temp = sorted.resolveSibling("keys.sorted.tmp");
        writeSorted(temp, hashes);
        Files.move(temp, sorted, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.fsyncDirectory(sorted.getParent());
    }

    private static void writeSorted(Path file, Iterator<String> hashes) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            while (hashes.hasNext()) {
                out.write(hashes.next().getBytes(StandardCharsets.US_ASCII));
                out.write('\n');
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    @Override
    public void close() {
        try {
            logChannel.close();
        } catch (IOException ignored) {
            // nothing is left to write: every append was synced with its checkpoint
        }
    }

    /** The sorted file, read a line at a time by position. */
    private record SortedFile(FileChannel channel) {
        long lines() throws IOException {
            return channel.size() / LINE;
        }

        String line(long i) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(LINE - 1);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, i * LINE + buffer.position()) < 0) {
                    throw new IOException("the sorted key list ends inside line " + i);
                }
            }
            return new String(buffer.array(), StandardCharsets.US_ASCII);
        }

        /** The first line whose hash is above {@code hash}. */
        long firstAbove(String hash) throws IOException {
            long low = 0;
            long high = lines();
            while (low < high) {
                long mid = (low + high) >>> 1;
                if (line(mid).compareTo(hash) <= 0) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }

        Iterator<String> from(long first) throws IOException {
            long end = lines();
            return new Iterator<>() {
                private long next = first;
                private final ByteBuffer block = ByteBuffer.allocate(LINE * 256);
                private long blockStart = -1;
                private int blockLines;

                @Override
                public boolean hasNext() {
                    return next < end;
                }

                @Override
                public String next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    try {
                        if (blockStart < 0 || next >= blockStart + blockLines) {
                            block.clear();
                            blockStart = next;
                            blockLines = (int) Math.min(256, end - next);
                            block.limit(blockLines * LINE);
                            while (block.hasRemaining()) {
                                if (channel.read(block, blockStart * LINE + block.position()) < 0) {
                                    throw new IOException("the sorted key list is shorter than it was");
                                }
                            }
                        }
                        int offset = (int) (next - blockStart) * LINE;
                        next++;
                        return new String(block.array(), offset, LINE - 1, StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
        }
    }

    /** Ascending sources merged, each value once. */
    private static final class Merged implements Iterator<String> {
        private final List<Iterator<String>> sources;
        private final String[] heads;
        private String last;

        Merged(List<Iterator<String>> sources) {
            this.sources = sources;
            this.heads = new String[sources.size()];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = sources.get(i).hasNext() ? sources.get(i).next() : null;
            }
            advance();
        }

        private String pending;

        private void advance() {
            pending = null;
            while (pending == null) {
                int min = -1;
                for (int i = 0; i < heads.length; i++) {
                    if (heads[i] != null && (min < 0 || heads[i].compareTo(heads[min]) < 0)) {
                        min = i;
                    }
                }
                if (min < 0) {
                    return;
                }
                String value = heads[min];
                heads[min] = sources.get(min).hasNext() ? sources.get(min).next() : null;
                if (!value.equals(last)) {
                    pending = value;
                    last = value;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return pending != null;
        }

        @Override
        public String next() {
            if (pending == null) {
                throw new java.util.NoSuchElementException();
            }
            String value = pending;
            advance();
            return value;
        }
    }
}
