package io.provisioning.orchestrator.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of every task in the order of their global ids, on disk, so that a reader of
 * {@code GET /events} resuming with a {@code Last-Event-ID} older than the events kept in memory
 * still gets every event after it. Segments of about {@link #SEGMENT_BYTES} under
 * {@code <logs>/all-tasks/}, named by their first global id, at most {@code maxBytes} in all (the
 * oldest deleted first). Each line names the global id of the event before it ({@code "p"}), so a
 * replay sees a gap (events deleted with an old segment, or lost to a full disk) and says so
 * rather than skipping it silently.
 *
 * <p>Only the event store's writer thread appends; any thread scans. A write that fails is cut
 * back off the file, so every line but a crash-torn last one is whole; a new segment is begun at
 * each open, after cutting such a torn line.
 */
final class AllTasksEventLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AllTasksEventLog.class);
    static final long SEGMENT_BYTES = 8L * 1024 * 1024;
    private final long segmentBytes;
    private static final Pattern SEGMENT = Pattern.compile("\\d{20}\\.log");
    private final Path dir;
    private final long maxBytes;
    private FileChannel current;
    private long currentSize;
    private boolean failing;

    /** One event read back, with the global id of the one numbered before it. */
    record Line(long previousGlobalId, RecordedEvent event) {}

    AllTasksEventLog(Path dir, long maxBytes) {
        this(dir, maxBytes, SEGMENT_BYTES);
    }

    /** {@code segmentBytes}: about how large one segment grows (small in tests, to see segments pruned). */
    AllTasksEventLog(Path dir, long maxBytes, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.maxBytes = Math.max(maxBytes, 2 * segmentBytes);
        try {
            List<Path> segments = segments();
            if (!segments.isEmpty()) {
                cutTornTail(segments.get(segments.size() - 1));
            }
        } catch (IOException e) {
            LOG.warn("cannot read the all-tasks event log under {}: {}", dir, e.getMessage());
        }
    }

    /** Appends a batch of events (in global-id order), each after {@code previous}; lost whole when the disk refuses it. */
    void append(List<RecordedEvent> batch, long previous) {
        StringBuilder text = new StringBuilder();
        long p = previous;
        for (RecordedEvent event : batch) {
            line(text, p, event);
            p = event.globalId();
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (current == null || currentSize >= segmentBytes) {
                startSegment(batch.get(0).globalId());
            }
            long before = currentSize;
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            try {
                while (buffer.hasRemaining()) {
                    current.write(buffer, before + buffer.position());
                }
            } catch (IOException e) {
                try {
                    current.truncate(before);
                } catch (IOException cutFailed) {
                    e.addSuppressed(cutFailed);
                    closeCurrent(); // the next write starts a new segment
                }
                throw e;
            }
            currentSize = before + bytes.length;
            if (failing) {
                failing = false;
                LOG.info("the all-tasks event log can be written again; replays say where events are missing");
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("cannot write the all-tasks event log under {}: {}; a reader resuming across the missing events "
                        + "is told of the gap", dir, e.getMessage());
            }
        }
    }

    private void startSegment(long firstGlobalId) throws IOException {
        closeCurrent();
        Files.createDirectories(dir);
        Path file = dir.resolve(String.format("%020d.log", firstGlobalId));
        current = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        currentSize = current.size();
        pruneOldest();
    }

    /** Deletes the oldest segments while all of them together are over the bound (never the one being written). */
    private void pruneOldest() throws IOException {
        List<Path> segments = segments();
        long total = 0;
        for (Path segment : segments) {
            total += sizeOf(segment);
        }
        for (int i = 0; i < segments.size() - 1 && total > maxBytes; i++) {
            total -= sizeOf(segments.get(i));
            Files.deleteIfExists(segments.get(i));
        }
    }

    /**
     * Hands the events with a global id above {@code after} and at most {@code upTo} to {@code each},
     * oldest first, until it returns false (then returns false too).
     */
    boolean scan(long after, long upTo, Predicate<Line> each) {
        List<Path> segments;
        try {
            segments = segments();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (firstIdOf(segments.get(i)) <= after + 1) {
                start = i;
            }
        }
        for (int i = start; i < segments.size(); i++) {
            if (firstIdOf(segments.get(i)) > upTo) {
                return true;
            }
            try (BufferedReader in = Files.newBufferedReader(segments.get(i), StandardCharsets.UTF_8)) {
                String text;
                while ((text = in.readLine()) != null) {
                    Line line = parse(text);
                    if (line == null || line.event().globalId() <= after) {
                        continue;
                    }
                    if (line.event().globalId() > upTo) {
                        return true;
                    }
                    if (!each.test(line)) {
                        return false;
                    }
                }
            } catch (NoSuchFileException pruned) {
                // deleted while being read: the next segment's first line shows the gap
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return true;
    }

    private static void line(StringBuilder text, long previous, RecordedEvent event) {
        text.append("{\"g\":").append(event.globalId()).append(",\"p\":").append(previous).append(",\"task\":\"")
                .append(event.taskId()).append("\",\"id\":").append(event.id()).append(",\"ts\":\"").append(event.ts())
                .append("\",\"type\":\"").append(event.type()).append("\",\"data\":").append(event.json()).append("}\n");
    }

    /** A line as {@link #line} writes it (task ids, timestamps and type names need no escaping); null if it is not one. */
    static Line parse(String text) {
        try {
            int at = expect(text, 0, "{\"g\":");
            int end = digitsEnd(text, at);
            long g = Long.parseLong(text, at, end, 10);
            at = expect(text, end, ",\"p\":");
            end = digitsEnd(text, at);
            long p = Long.parseLong(text, at, end, 10);
            at = expect(text, end, ",\"task\":\"");
            end = text.indexOf('"', at);
            String task = text.substring(at, end);
            at = expect(text, end, "\",\"id\":");
            end = digitsEnd(text, at);
            long id = Long.parseLong(text, at, end, 10);
            at = expect(text, end, ",\"ts\":\"");
            end = text.indexOf('"', at);
            String ts = text.substring(at, end);
            at = expect(text, end, "\",\"type\":\"");
            end = text.indexOf('"', at);
            String type = text.substring(at, end);
            at = expect(text, end, "\",\"data\":");
            if (!text.endsWith("}") || text.length() - 1 <= at) {
                return null;
            }
            return new Line(p, RecordedEvent.ofJson(task, id, g, type, ts, text.substring(at, text.length() - 1)));
        } catch (RuntimeException notALine) {
            return null;
        }
    }

    private static int expect(String text, int at, String literal) {
        if (at < 0 || !text.startsWith(literal, at)) {
            throw new IllegalArgumentException("not an all-tasks event line");
        }
        return at + literal.length();
    }

    private static int digitsEnd(String text, int at) {
        int end = at;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        if (end == at) {
            throw new IllegalArgumentException("no number");
        }
        return end;
    }

    private List<Path> segments() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> segments = new ArrayList<>();
        try (var all = Files.list(dir)) {
            all.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().forEach(segments::add);
        }
        return segments;
    }

    private static long firstIdOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - 4));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    /** A crash can leave the last line of the newest segment short: cut it, so every line read back is whole. */
    private static void cutTornTail(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = size;
            ByteBuffer block = ByteBuffer.allocate(64 * 1024);
            scan:
            while (keep > 0) {
                long from = Math.max(0, keep - block.capacity());
                block.clear().limit((int) (keep - from));
                while (block.hasRemaining() && channel.read(block, from + block.position()) > 0) {
                    // read the whole block
                }
                for (int i = block.position() - 1; i >= 0; i--) {
                    if (block.get(i) == '\n') {
                        keep = from + i + 1;
                        break scan;
                    }
                }
                keep = from;
            }
            if (keep < size) {
                channel.truncate(keep);
            }
        }
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // every write went straight to the file
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
