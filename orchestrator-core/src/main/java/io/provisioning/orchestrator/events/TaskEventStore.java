package io.provisioning.orchestrator.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Task;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every task's events, kept on disk as {@code <logs>/<task-id>/events.log} (one JSON line each,
 * numbered from 1) and fanned out live. Replaying a task's stream reads its file; following it
 * subscribes here. Log lines beyond {@code maxLogBytesPerTask} are dropped with one marker, so a
 * chatty script cannot fill the disk; status changes are always kept. The last
 * {@code globalCapacity} events of all tasks stay in memory for the all-tasks stream.
 */
public final class TaskEventStore implements Consumer<TaskEvent>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEventStore.class);
    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-fA-F-]{36}");

    private final Path root;
    private final Clock clock;
    private final long maxLogBytesPerTask;
    private final int globalCapacity;
    private final Map<String, TaskFile> open = new HashMap<>();
    private final Map<String, List<Consumer<RecordedEvent>>> perTask = new ConcurrentHashMap<>();
    private final List<Consumer<RecordedEvent>> everyTask = new CopyOnWriteArrayList<>();
    private final ArrayDeque<RecordedEvent> recent = new ArrayDeque<>();
    private long globalSequence;

    public TaskEventStore(Path root, Clock clock, long maxLogBytesPerTask, int globalCapacity) {
        this.root = root;
        this.clock = clock;
        this.maxLogBytesPerTask = maxLogBytesPerTask;
        this.globalCapacity = globalCapacity;
    }

    private static final class TaskFile {
        long lastId;
        long logBytes;
        boolean truncatedNoted;
        BufferedWriter writer;
        Path path;
    }

    public Path fileFor(String taskId) {
        if (!TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("not a task id: " + taskId);
        }
        return root.resolve(taskId).resolve("events.log");
    }

    @Override
    public void accept(TaskEvent event) {
        RecordedEvent recorded;
        synchronized (this) {
            TaskFile file = fileOf(event.taskId());
            ObjectNode data;
            String type;
            boolean terminal = false;
            if (event instanceof TaskEvent.Changed changed) {
                type = "task";
                data = JSON.valueToTree(changed.task());
                terminal = changed.task().status().isTerminal();
            } else {
                TaskEvent.LogLine line = (TaskEvent.LogLine) event;
                if (file.logBytes + line.line().length() > maxLogBytesPerTask) {
                    if (file.truncatedNoted) {
                        return;
                    }
                    file.truncatedNoted = true;
                    line = new TaskEvent.LogLine(line.taskId(), line.attempt(), "stderr",
                            "[log cap of " + maxLogBytesPerTask + " bytes reached: further lines of this task are dropped]");
                }
                file.logBytes += line.line().length();
                type = "log";
                data = JSON.createObjectNode();
                data.put("task_id", line.taskId());
                data.put("attempt", line.attempt());
                data.put("stream", line.stream());
                data.put("line", line.line());
            }
            recorded = new RecordedEvent(event.taskId(), ++file.lastId, ++globalSequence, type,
                    clock.instant().toString(), data);
            write(file, recorded, terminal);
            recent.addLast(recorded);
            if (recent.size() > globalCapacity) {
                recent.removeFirst();
            }
            if (terminal) {
                closeQuietly(file);
                open.remove(event.taskId());
            }
        }
        for (Consumer<RecordedEvent> listener : perTask.getOrDefault(event.taskId(), List.of())) {
            deliver(listener, recorded);
        }
        for (Consumer<RecordedEvent> listener : everyTask) {
            deliver(listener, recorded);
        }
    }

    private static void deliver(Consumer<RecordedEvent> listener, RecordedEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.debug("event listener failed: {}", e.getMessage());
        }
    }

    private TaskFile fileOf(String taskId) {
        TaskFile file = open.get(taskId);
        if (file != null) {
            return file;
        }
        file = new TaskFile();
        file.path = fileFor(taskId);
        try {
            Files.createDirectories(file.path.getParent());
            for (RecordedEvent old : readFile(taskId, file.path)) {
                file.lastId = old.id();
                if (old.type().equals("log")) {
                    file.logBytes += old.data().path("line").asText().length();
                }
            }
            file.writer = Files.newBufferedWriter(file.path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open event log of task " + taskId, e);
        }
        open.put(taskId, file);
        return file;
    }

    private void write(TaskFile file, RecordedEvent event, boolean sync) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", event.id());
        line.put("ts", event.ts());
        line.put("type", event.type());
        line.set("data", event.data());
        try {
            file.writer.write(line.toString());
            file.writer.newLine();
            file.writer.flush();
            if (sync) {
                try (FileChannel channel = FileChannel.open(file.path, StandardOpenOption.WRITE)) {
                    channel.force(false);
                }
            }
        } catch (IOException e) {
            LOG.error("cannot write event log {}: {}", file.path, e.getMessage());
        }
    }

    /** Events of one task with an id above {@code afterId}, from disk. A torn last line is skipped. */
    public List<RecordedEvent> read(String taskId, long afterId) {
        Path path = fileFor(taskId);
        synchronized (this) {
            TaskFile file = open.get(taskId);
            if (file != null) {
                try {
                    file.writer.flush();
                } catch (IOException e) {
                    LOG.debug("flush failed: {}", e.getMessage());
                }
            }
        }
        try {
            return readFile(taskId, path).stream().filter(e -> e.id() > afterId).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<RecordedEvent> readFile(String taskId, Path path) throws IOException {
        if (!Files.exists(path)) {
            return List.of();
        }
        List<RecordedEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            try {
                JsonNode node = JSON.readTree(line);
                events.add(new RecordedEvent(taskId, node.path("id").asLong(), 0, node.path("type").asText(),
                        node.path("ts").asText(), node.path("data")));
            } catch (IOException torn) {
                // a line cut short by a crash: everything before it is intact
            }
        }
        return events;
    }

    /** Follows one task live; returns a handle that stops it. */
    public AutoCloseable subscribe(String taskId, Consumer<RecordedEvent> listener) {
        perTask.computeIfAbsent(taskId, id -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> perTask.computeIfPresent(taskId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Follows every task live; returns a handle that stops it. */
    public AutoCloseable subscribeAll(Consumer<RecordedEvent> listener) {
        everyTask.add(listener);
        return () -> everyTask.remove(listener);
    }

    /** Recent events of all tasks with a global id above {@code afterGlobalId}, oldest first. */
    public synchronized List<RecordedEvent> recent(long afterGlobalId) {
        return recent.stream().filter(e -> e.globalId() > afterGlobalId).toList();
    }

    /** Deletes the event logs of finished tasks older than the retention; returns how many. */
    public int deleteFinishedBefore(java.time.Instant cutoff, java.util.function.Function<String, java.util.Optional<Task>> lookup) {
        int deleted = 0;
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (var dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String id = dir.getFileName().toString();
                var task = lookup.apply(id);
                boolean old = task.map(t -> t.status().isTerminal() && t.completedAt() != null
                        && t.completedAt().isBefore(cutoff)).orElse(false);
                synchronized (this) {
                    if (old && !open.containsKey(id)) {
                        try (var files = Files.walk(dir)) {
                            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                                Files.deleteIfExists(p);
                            }
                        }
                        deleted++;
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("log retention sweep failed: {}", e.getMessage());
        }
        return deleted;
    }

    private static void closeQuietly(TaskFile file) {
        try {
            file.writer.close();
        } catch (IOException e) {
            LOG.debug("close failed: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(TaskEventStore::closeQuietly);
        open.clear();
    }
}
