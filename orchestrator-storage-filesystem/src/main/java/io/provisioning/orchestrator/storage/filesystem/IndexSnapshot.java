package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * One immutable file of index entries, one JSON line each, in ascending key order (sequence, then id). Memory
 * holds only where each block of {@value #BLOCK} entries starts (two longs per block), so a
 * lookup or a page reads one block or a few from the file (the page cache), never the whole file.
 */
final class IndexSnapshot implements AutoCloseable {
    static final int BLOCK = 256;
    private static final ObjectMapper JSON = Json.mapper();

    private final FileChannel channel;
    /** First sequence of each block. */
    private final long[] firstSequence;
    /** Byte offset of each block; one more, the file's length, at the end. */
    private final long[] offset;
    private final int blocks;
    private final long entries;

    private IndexSnapshot(FileChannel channel, long[] firstSequence, long[] offset, int blocks, long entries) {
        this.channel = channel;
        this.firstSequence = firstSequence;
        this.offset = offset;
        this.blocks = blocks;
        this.entries = entries;
    }

    static IndexSnapshot empty() {
        return new IndexSnapshot(null, new long[0], new long[] {0}, 0, 0);
    }

    long entries() {
        return entries;
    }

    /** Writes {@code ascending} (ascending keys) to {@code file}, synced, and opens it; {@code each} sees every entry written. */
    static IndexSnapshot write(Path file, Iterator<IndexEntry> ascending, Consumer<IndexEntry> each) throws IOException {
        Blocks blocks = new Blocks();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            long at = 0;
            while (ascending.hasNext()) {
                IndexEntry entry = ascending.next();
                each.accept(entry);
                byte[] line = JSON.writeValueAsBytes(entry);
                blocks.add(entry.sequence(), at);
                out.write(line);
                out.write('\n');
                at += line.length + 1;
            }
            blocks.end(at);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return blocks.open(file);
    }

    /** Opens {@code file}, reading it once from start to end; {@code each} sees every entry in order. */
    static IndexSnapshot open(Path file, Consumer<IndexEntry> each) throws IOException {
        Blocks blocks = new Blocks();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] chunk = new byte[1 << 20];
            int filled = 0;
            long chunkStart = 0;
            while (true) {
                int n = in.read(ByteBuffer.wrap(chunk, filled, chunk.length - filled));
                if (n < 0) {
                    break;
                }
                filled += n;
                int from = 0;
                for (int i = 0; i < filled; i++) {
                    if (chunk[i] == '\n') {
                        IndexEntry entry = JSON.readValue(chunk, from, i - from, IndexEntry.class);
                        blocks.add(entry.sequence(), chunkStart + from);
                        each.accept(entry);
                        from = i + 1;
                    }
                }
                System.arraycopy(chunk, from, chunk, 0, filled - from);
                chunkStart += from;
                filled -= from;
                if (filled == chunk.length) {
                    chunk = Arrays.copyOf(chunk, chunk.length * 2); // one line longer than the chunk
                }
            }
            if (filled > 0) {
                throw new IOException("index snapshot " + file + " ends in half a line");
            }
            blocks.end(chunkStart);
        }
        return blocks.open(file);
    }

    /** Opens {@code file} as {@code summary} describes it, reading nothing of it now. */
    static IndexSnapshot open(Path file, SnapshotSummary summary) throws IOException {
        return new IndexSnapshot(FileChannel.open(file, StandardOpenOption.READ), summary.firstSequence(),
                summary.offset(), summary.blocks(), summary.entries());
    }

    /** The summary of this snapshot, with what {@code collected} saw while it was written. */
    SnapshotSummary summary(SnapshotSummary.Collector collected) {
        return new SnapshotSummary(Arrays.copyOf(firstSequence, blocks), Arrays.copyOf(offset, blocks + 1), blocks,
                entries, collected.counts, collected.unfinished, collected.keys, collected.maxSequence);
    }

    /** The last block read, parsed: consecutive lookups in one block (an open's) read it once. */
    private volatile Object[] lastBlock;

    /** The entry at {@code key}, or null. */
    IndexEntry lookup(EntryKey key) {
        int block = blockOf(key.sequence());
        // entries of one sequence may start in an earlier block
        while (block > 0 && firstSequence[block] >= key.sequence()) {
            block--;
        }
        for (; block >= 0 && block < blocks; block++) {
            for (IndexEntry entry : cachedBlock(block)) {
                int order = entry.key().compareTo(key);
                if (order == 0) {
                    return entry;
                }
                if (order > 0) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Entries with a sequence at most {@code atMost}, newest first. */
    Iterator<IndexEntry> descending(long atMost) {
        int start = blockOf(atMost);
        return new BlockIterator(start, -1, e -> e.sequence() <= atMost);
    }

    /** Entries with a sequence above {@code after}, oldest first. */
    Iterator<IndexEntry> ascending(long after) {
        int start = Math.max(0, blockOf(after));
        return new BlockIterator(start, +1, e -> e.sequence() > after);
    }

    /** The last block whose first sequence is at most {@code sequence}, or -1. */
    private int blockOf(long sequence) {
        int found = Arrays.binarySearch(firstSequence, 0, blocks, sequence);
        return found >= 0 ? found : -found - 2;
    }

    private List<IndexEntry> cachedBlock(int block) {
        Object[] last = lastBlock;
        if (last != null && (Integer) last[0] == block) {
            @SuppressWarnings("unchecked")
            List<IndexEntry> entries = (List<IndexEntry>) last[1];
            return entries;
        }
        List<IndexEntry> entries = List.copyOf(readBlock(block));
        lastBlock = new Object[] {block, entries};
        return entries;
    }

    private List<IndexEntry> readBlock(int block) {
        int length = (int) (offset[block + 1] - offset[block]);
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try {
            long at = offset[block];
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at + buffer.position());
                if (n < 0) {
                    throw new IOException("index snapshot is shorter than it was when written");
                }
            }
            List<IndexEntry> entries = new ArrayList<>(BLOCK);
            int from = 0;
            byte[] bytes = buffer.array();
            for (int i = 0; i < length; i++) {
                if (bytes[i] == '\n') {
                    entries.add(JSON.readValue(bytes, from, i - from, IndexEntry.class));
                    from = i + 1;
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class BlockIterator implements Iterator<IndexEntry> {
        private final int step;
        private final java.util.function.Predicate<IndexEntry> keep;
        private int block;
        private Iterator<IndexEntry> current = Collections.emptyIterator();
        private IndexEntry next;

        BlockIterator(int start, int step, java.util.function.Predicate<IndexEntry> keep) {
            this.block = start;
            this.step = step;
            this.keep = keep;
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (current.hasNext()) {
                    IndexEntry candidate = current.next();
                    if (keep.test(candidate)) {
                        next = candidate;
                    }
                    continue;
                }
                if (block < 0 || block >= blocks) {
                    return false;
                }
                List<IndexEntry> entries = readBlock(block);
                if (step < 0) {
                    Collections.reverse(entries);
                }
                current = entries.iterator();
                block += step;
            }
            return true;
        }

        @Override
        public IndexEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            IndexEntry entry = next;
            next = null;
            return entry;
        }
    }

    /** Where the blocks start, collected while a file is written or read. */
    private static final class Blocks {
        private long[] first = new long[64];
        private long[] offsets = new long[65];
        private int count;
        private long entries;
        private long last = Long.MIN_VALUE;

        void add(long sequence, long at) throws IOException {
            if (sequence < last) {
                throw new IOException("index snapshot entries out of order at sequence " + sequence);
            }
            last = sequence;
            if (entries % BLOCK == 0) {
                if (count == first.length) {
                    first = Arrays.copyOf(first, count * 2);
                    offsets = Arrays.copyOf(offsets, count * 2 + 1);
                }
                first[count] = sequence;
                offsets[count] = at;
                count++;
            }
            entries++;
        }

        void end(long at) {
            offsets[count] = at;
        }

        IndexSnapshot open(Path file) throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return new IndexSnapshot(channel, first, offsets, count, entries);
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only
            }
        }
    }
}
