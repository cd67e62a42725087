package io.provisioning.orchestrator.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.durability.DurabilityReport;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * subscribes here. Log lines beyond {@code maxLogBytesPerTask} (UTF-8 bytes) are dropped with one
 * marker, so a chatty script cannot fill the disk; status changes are always kept. The last
 * {@code globalCapacity} events of all tasks, at most {@code maxRecentBytes} of them, stay in memory
 * for the all-tasks stream, numbered by {@link EventIds} (rising across restarts). Files are read
 * line by line, never whole.
 *
 * <p>Numbering and fan-out happen on the caller's thread, together, so listeners receive events in
 * numbering order (they must only hand them on, e.g. into a queue); the files are written by one writer
 * thread in batches, so a burst of events costs the workers no disk I/O, and synced to disk about
 * once a second. A read first waits until the writer has caught up. Task state itself is durable
 * in storage at once; these files are the logs.
 *
 * <p>A full disk: the events of a task that cannot be written are lost whole (never half a line),
 * counted, and replaced in that task's log by one marker line saying how many and when, written
 * as soon as the disk takes writes again; meanwhile the {@link DurabilityReport} names the event logs.
 */
public final class TaskEventStore implements Consumer<TaskEvent>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEventStore.class);
    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private static final int OPEN_FILES = 256;
    private static final int KNOWN_TASKS = 50_000;
    /** Default bound in bytes of the all-tasks replay buffer. */
    public static final long DEFAULT_RECENT_BYTES = 16L * 1024 * 1024;
    /** Default bound in bytes of the all-tasks events kept on disk for readers resuming beyond memory. */
    public static final long DEFAULT_REPLAY_BYTES = 256L * 1024 * 1024;

    private final Path root;
    private final Clock clock;
    private final long maxLogBytesPerTask;
    private final int globalCapacity;
    private final long maxRecentBytes;
    private long recentBytes;
    private final EventIds globalIds;
    /** Per-task numbering, most recently used last; evicted entries are recounted from their file. */
    private final LinkedHashMap<String, Counter> counters = new LinkedHashMap<>(1024, 0.75f, true);
    private final Map<String, List<Consumer<RecordedEvent>>> perTask = new ConcurrentHashMap<>();
    private final List<Consumer<RecordedEvent>> everyTask = new CopyOnWriteArrayList<>();
    private final ArrayDeque<RecordedEvent> recent = new ArrayDeque<>();
    /** The global id of the last event no longer in {@link #recent} (or the last before this start): memory holds every event after it. */
    private long memoryFloor;
    private final AllTasksEventLog allTasks;
    /** The global id of the event the writer wrote last (only the writer thread touches it). */
    private long writerPrevious;
    private final LinkedBlockingQueue<RecordedEvent> toWrite = new LinkedBlockingQueue<>();
    private final Object written = new Object();
    private volatile long writtenUpTo;
    private volatile boolean open = true;
    private final Thread writer;
    private final DurabilityReport durability;
    /** Only the writer thread touches it. */
    private final LostEvents lost = new LostEvents();

    /**
     * How far the numbering of a task recounted from its file jumps: events handed to followers
     * just before a crash may not have reached the file, and their ids must not be given again
     * (a follower resuming after one would miss the new events that took it).
     */
    static final long RECOUNT_GAP = 1_000_000;

    private static final class Counter {
        long lastId;
        boolean recounted;
        long logBytes;
        boolean truncatedNoted;
    }

    public TaskEventStore(Path root, Clock clock, long maxLogBytesPerTask, int globalCapacity) {
        this(root, clock, maxLogBytesPerTask, globalCapacity, DEFAULT_RECENT_BYTES, new DurabilityReport(clock));
    }

    public TaskEventStore(Path root, Clock clock, long maxLogBytesPerTask, int globalCapacity, long maxRecentBytes) {
        this(root, clock, maxLogBytesPerTask, globalCapacity, maxRecentBytes, new DurabilityReport(clock));
    }

    /** {@code durability}: where it says that the event logs cannot be written (part {@code event logs}). */
    public TaskEventStore(Path root, Clock clock, long maxLogBytesPerTask, int globalCapacity,
            DurabilityReport durability) {
        this(root, clock, maxLogBytesPerTask, globalCapacity, DEFAULT_RECENT_BYTES, durability);
    }

    public TaskEventStore(Path root, Clock clock, long maxLogBytesPerTask, int globalCapacity, long maxRecentBytes,
            DurabilityReport durability) {
        this(root, clock, maxLogBytesPerTask, globalCapacity, maxRecentBytes, durability,
                new AllTasksEventLog(root.resolve("all-tasks"), DEFAULT_REPLAY_BYTES));
    }

    /** {@code allTasks}: where the events of every task are kept on disk for readers resuming beyond memory. */
    TaskEventStore(Path root, Clock clock, long maxLogBytesPerTask, int globalCapacity, long maxRecentBytes,
            DurabilityReport durability, AllTasksEventLog allTasks) {
        this.allTasks = allTasks;
        this.durability = durability;
        this.root = root;
        this.clock = clock;
        this.maxLogBytesPerTask = maxLogBytesPerTask;
        this.globalCapacity = globalCapacity;
        this.maxRecentBytes = maxRecentBytes;
        this.globalIds = new EventIds(clock, root.resolve("events.seq"));
        this.writtenUpTo = globalIds.last();
        this.memoryFloor = globalIds.last();
        this.writerPrevious = globalIds.last();
        this.writer = Thread.ofPlatform().name("event-log-writer").daemon(true).start(this::writeLoop);
    }

    public Path fileFor(String taskId) {
        if (!TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("not a task id: " + taskId);
        }
        return root.resolve(taskId).resolve("events.log");
    }

    @Override
    public void accept(TaskEvent event) {
        if (event instanceof TaskEvent.Deleted deleted) {
            acceptDeleted(deleted);
            return;
        }
        RecordedEvent recorded;
        // the task is rendered once, outside the lock; numbering and fan-out stay together under it
        String taskJson = null;
        if (event instanceof TaskEvent.Changed changed) {
            try {
                taskJson = JSON.writeValueAsString(changed.task());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot render task " + changed.task().id(), e);
            }
        }
        synchronized (this) {
            boolean brandNew = event instanceof TaskEvent.Changed c && c.task().attempts() == 0
                    && c.task().createdAt() != null && c.task().createdAt().equals(c.task().updatedAt());
            Counter counter = counterOf(event.taskId(), brandNew);
            ObjectNode data = null;
            String type;
            if (event instanceof TaskEvent.Changed) {
                type = "task";
            } else if (event instanceof TaskEvent.Progressed progressed) {
                type = "progress";
                data = JSON.createObjectNode();
                data.put("task_id", progressed.taskId());
                data.put("attempt", progressed.attempt());
                data.put("status", "Running");
                ObjectNode progress = data.putObject("progress");
                progress.put("percent", progressed.progress().percent());
                progress.put("message", progressed.progress().message());
                data.put("updated_at", progressed.updatedAt() == null ? null : progressed.updatedAt().toString());
            } else {
                TaskEvent.LogLine line = (TaskEvent.LogLine) event;
                if (counter.logBytes + utf8Length(line.line()) > maxLogBytesPerTask) {
                    if (counter.truncatedNoted) {
                        return;
                    }
                    counter.truncatedNoted = true;
                    line = new TaskEvent.LogLine(line.taskId(), line.attempt(), "stderr",
                            "[log cap of " + maxLogBytesPerTask + " bytes reached: further lines of this task are dropped]");
                }
                counter.logBytes += utf8Length(line.line());
                type = "log";
                data = JSON.createObjectNode();
                data.put("task_id", line.taskId());
                data.put("attempt", line.attempt());
                data.put("stream", line.stream());
                data.put("line", line.line());
            }
            counter.lastId += counter.recounted ? RECOUNT_GAP : 1;
            counter.recounted = false;
            recorded = taskJson != null
                    ? RecordedEvent.ofTask(event.taskId(), counter.lastId, globalIds.next(), clock.instant().toString(),
                            taskJson, ((TaskEvent.Changed) event).task().status().isTerminal())
                    : new RecordedEvent(event.taskId(), counter.lastId, globalIds.next(), type, clock.instant().toString(),
                            data);
            toWrite.add(recorded);
            remember(recorded);
            // handed over in numbering order, under the same lock: followers skip any id not above the
            // last one they sent, so an event overtaken by a later-numbered one would be lost to them
            for (Consumer<RecordedEvent> listener : perTask.getOrDefault(event.taskId(), List.of())) {
                deliver(listener, recorded);
            }
            for (Consumer<RecordedEvent> listener : everyTask) {
                deliver(listener, recorded);
            }
        }
    }

    /**
     * A deleted task: {@code /events} followers get a {@code deleted} event ({task_id, status}), and
     * the writer deletes the task's folder in turn, after whatever of it was still to be written.
     * Its per-task id is 0: the task has no stream any more.
     */
    private synchronized void acceptDeleted(TaskEvent.Deleted deleted) {
        counters.remove(deleted.taskId());
        ObjectNode data = JSON.createObjectNode();
        data.put("task_id", deleted.taskId());
        data.put("status", deleted.task().status().name());
        RecordedEvent recorded = new RecordedEvent(deleted.taskId(), 0, globalIds.next(), DELETED, clock.instant().toString(),
                data);
        toWrite.add(recorded);
        remember(recorded);
        for (Consumer<RecordedEvent> listener : everyTask) {
            deliver(listener, recorded);
        }
    }

    private static final String DELETED = "deleted";

    /** Keeps an event in the bounded all-tasks replay buffer (under the lock), evicting the oldest. */
    private void remember(RecordedEvent recorded) {
        recent.addLast(recorded);
        recentBytes += recorded.weight();
        while (recent.size() > 1 && (recent.size() > globalCapacity || recentBytes > maxRecentBytes)) {
            RecordedEvent evicted = recent.removeFirst();
            recentBytes -= evicted.weight();
            memoryFloor = evicted.globalId();
        }
    }

    private void deleteFolder(EventLogFiles files, String taskId) {
        files.close(taskId);
        Path dir = fileFor(taskId).getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the logs of deleted task {}: {}", taskId, e.getMessage());
        }
    }

    private static void deliver(Consumer<RecordedEvent> listener, RecordedEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.debug("event listener failed: {}", e.getMessage());
        }
    }

    /** The numbering of one task; a task not seen lately is recounted from its file (after pending writes). */
    private Counter counterOf(String taskId, boolean brandNew) {
        Counter counter = counters.get(taskId);
        if (counter != null) {
            return counter;
        }
        counter = new Counter();
        Path file = fileFor(taskId);
        if (!brandNew && Files.exists(file)) {
            awaitWritten(globalIds.last());
            Counter counting = counter;
            try {
                scanFile(taskId, file, 0, old -> {
                    counting.lastId = old.id();
                    if (old.type().equals("log")) {
                        counting.logBytes += utf8Length(old.data().path("line").asText());
                    }
                    return true;
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read event log of task " + taskId, e);
            }
            counter.recounted = counter.lastId > 0;
        }
        counters.put(taskId, counter);
        if (counters.size() > KNOWN_TASKS) {
            var eldest = counters.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return counter;
    }

    private void writeLoop() {
        EventLogFiles files = new EventLogFiles(this::fileFor, OPEN_FILES);
        List<RecordedEvent> batch = new ArrayList<>();
        while (open || !toWrite.isEmpty()) {
            try {
                RecordedEvent first = toWrite.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    retryMarkersNowAndThen(files);
                    continue;
                }
                batch.add(first);
                toWrite.drainTo(batch, 4095);
                writeBatch(files, batch);
                allTasks.append(batch, writerPrevious);
                writerPrevious = batch.get(batch.size() - 1).globalId();
                syncNowAndThen();
                globalIds.persist(batch.get(batch.size() - 1).globalId());
            } catch (InterruptedException e) {
                if (!open) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.error("writing event logs failed; going on", e);
            } finally {
                if (!batch.isEmpty()) {
                    long last = batch.get(batch.size() - 1).globalId();
                    synchronized (written) {
                        writtenUpTo = last;
                        written.notifyAll();
                    }
                }
                batch.clear();
            }
        }
        retryMarkers(files);
        files.close();
        allTasks.close();
        globalIds.close();
    }

    /**
     * Writes each task's events of the batch in one piece, after the marker of what it lost before;
     * a task whose piece cannot be written loses it whole, counted for its next marker.
     */
    private void writeBatch(EventLogFiles files, List<RecordedEvent> batch) {
        Map<String, List<RecordedEvent>> byTask = new LinkedHashMap<>();
        for (RecordedEvent event : batch) {
            byTask.computeIfAbsent(event.taskId(), id -> new ArrayList<>()).add(event);
        }
        String failure = null;
        for (Map.Entry<String, List<RecordedEvent>> entry : byTask.entrySet()) {
            String taskId = entry.getKey();
            List<RecordedEvent> events = entry.getValue();
            if (events.stream().anyMatch(e -> e.type().equals(DELETED))) {
                lost.marked(taskId);
                deleteFolder(files, taskId); // what was still to be written belonged to the deleted task
                continue;
            }
            StringBuilder text = new StringBuilder();
            RecordedEvent marker = lost.marker(taskId);
            if (marker != null) {
                text.append(line(marker)).append('\n');
            }
            for (RecordedEvent event : events) {
                text.append(line(event)).append('\n');
            }
            try {
                files.append(taskId, text.toString().getBytes(StandardCharsets.UTF_8));
                lost.marked(taskId);
            } catch (IOException | RuntimeException e) {
                failure = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                Instant now = clock.instant();
                for (RecordedEvent event : events) {
                    lost.lost(event, now, failure);
                }
            }
            if (events.get(events.size() - 1).isTerminal()) {
                files.close(taskId);
            }
        }
        reportLost(failure);
    }

    private long lastMarkerTry = System.nanoTime();

    /** While a task's marker is not written (its last events were lost), tries again about once a second. */
    private void retryMarkersNowAndThen(EventLogFiles files) {
        if (lost.isEmpty() || System.nanoTime() - lastMarkerTry < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastMarkerTry = System.nanoTime();
        retryMarkers(files);
    }

    private void retryMarkers(EventLogFiles files) {
        String failure = null;
        for (String taskId : lost.tasks()) {
            RecordedEvent marker = lost.marker(taskId);
            try {
                files.append(taskId, (line(marker) + "\n").getBytes(StandardCharsets.UTF_8));
                lost.marked(taskId);
            } catch (IOException | RuntimeException e) {
                failure = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            }
            files.close(taskId);
        }
        reportLost(failure);
    }

    private void reportLost(String failure) {
        if (lost.isEmpty() && failure == null) {
            if (durability.isFailing(DurabilityReport.EVENT_LOGS)) {
                durability.recovered(DurabilityReport.EVENT_LOGS);
                LOG.info("event logs can be written again; every gap is marked in its task's log");
            }
            return;
        }
        if (failure != null && !durability.isFailing(DurabilityReport.EVENT_LOGS)) {
            LOG.error("cannot write event logs under {}: {}; lost lines are counted and marked once it can", root,
                    failure);
        }
        durability.failed(DurabilityReport.EVENT_LOGS, lost.total() + " events of " + lost.taskCount()
                + " task(s) could not be written" + (failure != null ? " (" + failure + ")" : "")
                + "; each task's log gets a marker line once it can");
    }

    /** Events that could not be written to their task's log since start (each gap is marked in that log). */
    public long lostEvents() {
        return lost.total();
    }

    private long lastSync = System.nanoTime();

    /** At most once a second, one syncfs of the logs' filesystem, so a machine crash loses a second of log at most. */
    private void syncNowAndThen() {
        if (System.nanoTime() - lastSync < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastSync = System.nanoTime();
        try {
            Process sync = new ProcessBuilder("sync", "-f", root.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            sync.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.debug("sync -f unavailable: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One line of a task's file; the data is the event's JSON rendered once ({@link RecordedEvent#json}). */
    private static String line(RecordedEvent event) {
        if (plain(event.ts()) && plain(event.type())) {
            return new StringBuilder(event.json().length() + 96).append("{\"id\":").append(event.id())
                    .append(",\"ts\":\"").append(event.ts()).append("\",\"type\":\"").append(event.type())
                    .append("\",\"data\":").append(event.json()).append('}').toString();
        }
        ObjectNode head = JSON.createObjectNode();
        head.put("id", event.id());
        head.put("ts", event.ts());
        head.put("type", event.type());
        String start = head.toString();
        return start.substring(0, start.length() - 1) + ",\"data\":" + event.json() + "}";
    }

    /** Needs no escaping in a JSON string (a timestamp, a type name): letters, digits and a few marks. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == ':'
                    || c == '.' || c == '+' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private void awaitWritten(long globalId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (written) {
            while (writtenUpTo < globalId && System.nanoTime() < deadline && writer.isAlive()) {
                try {
                    written.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Events of one task with an id above {@code afterId}, from disk. A torn last line is skipped. */
    public List<RecordedEvent> read(String taskId, long afterId) {
        List<RecordedEvent> events = new ArrayList<>();
        scan(taskId, afterId, e -> events.add(e));
        return events;
    }

    /**
     * Hands the events of one task with an id above {@code afterId} to {@code each}, oldest first,
     * reading the file line by line (never whole), until {@code each} returns false.
     */
    public void scan(String taskId, long afterId, java.util.function.Predicate<RecordedEvent> each) {
        long target;
        synchronized (this) {
            target = globalIds.last();
        }
        awaitWritten(target);
        try {
            scanFile(taskId, fileFor(taskId), afterId, each);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id of the task's last event (0 when it has none). */
    public synchronized long lastId(String taskId) {
        return counterOf(taskId, false).lastId;
    }

    private static void scanFile(String taskId, Path path, long afterId, java.util.function.Predicate<RecordedEvent> each)
            throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (java.io.BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException torn) {
                    continue; // a line cut short by a crash: everything before it is intact
                }
                if (node == null || node.path("id").asLong() <= afterId) {
                    continue;
                }
                RecordedEvent event = new RecordedEvent(taskId, node.path("id").asLong(), 0, node.path("type").asText(),
                        node.path("ts").asText(), node.path("data"));
                if (!each.test(event)) {
                    return;
                }
            }
        }
    }

    /** Length of {@code text} in UTF-8, without encoding it. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
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

    /**
     * Every event of all tasks with a global id above {@code afterGlobalId}, oldest first, until
     * {@code each} returns false: from the all-tasks log on disk as far as memory no longer holds
     * them, then from memory. Where events after that id are no longer kept (an old segment deleted,
     * lost to a full disk, or numbered just before a crash and never written), {@code each} first
     * gets a {@code gap} event ({after, up_to, message}) whose global id is the last one missed, so a
     * reader knows to read the tasks again rather than trust that it saw everything. An id of 0
     * (a reader new to the stream) replays what memory holds.
     */
    public void replayAll(long afterGlobalId, java.util.function.Predicate<RecordedEvent> each) {
        long cursor = afterGlobalId;
        List<RecordedEvent> fromMemory;
        while (true) {
            long floor;
            synchronized (this) { // one look: memory evicting between the test and the copy would leave a hole
                floor = memoryFloor;
                if (afterGlobalId == 0 || cursor >= floor) {
                    fromMemory = recentAfter(cursor);
                    break;
                }
            }
            awaitWritten(floor);
            long[] last = {cursor};
            boolean[] stopped = {false};
            allTasks.scan(cursor, floor, line -> {
                if (line.previousGlobalId() > last[0]) {
                    if (!each.test(gap(last[0], line.previousGlobalId()))) {
                        stopped[0] = true;
                        return false;
                    }
                }
                last[0] = line.event().globalId();
                if (!each.test(line.event())) {
                    stopped[0] = true;
                    return false;
                }
                return true;
            });
            if (stopped[0]) {
                return;
            }
            if (last[0] < floor) {
                if (!each.test(gap(last[0], floor))) {
                    return;
                }
                last[0] = floor;
            }
            cursor = last[0];
        }
        for (RecordedEvent event : fromMemory) {
            if (!each.test(event)) {
                return;
            }
        }
    }

    private RecordedEvent gap(long after, long upTo) {
        ObjectNode data = JSON.createObjectNode();
        data.put("after", after);
        data.put("up_to", upTo);
        data.put("message", "the events after id " + after + " up to id " + upTo + " are no longer kept; "
                + "read GET /tasks again for the current state");
        return new RecordedEvent("", 0, upTo, "gap", clock.instant().toString(), data);
    }

    /** Recent events of all tasks with a global id above {@code afterGlobalId}, oldest first. */
    public synchronized List<RecordedEvent> recent(long afterGlobalId) {
        return recentAfter(afterGlobalId);
    }

    private List<RecordedEvent> recentAfter(long afterGlobalId) {
        return recent.stream().filter(e -> e.globalId() > afterGlobalId).toList();
    }

    /** Deletes the event logs of finished tasks that ended before {@code cutoff}; returns how many. */
    public int deleteFinishedBefore(java.time.Instant cutoff,
            java.util.function.Function<String, java.util.Optional<Task>> lookup) {
        int deleted = 0;
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (var dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String id = dir.getFileName().toString();
                boolean old = TASK_ID.matcher(id).matches() && lookup.apply(id).map(t -> t.status().isTerminal()
                        && t.completedAt() != null && t.completedAt().isBefore(cutoff)).orElse(false);
                if (old) {
                    try (var files = Files.walk(dir)) {
                        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                    synchronized (this) {
                        counters.remove(id);
                    }
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("log retention sweep failed: {}", e.getMessage());
        }
        return deleted;
    }

    @Override
    public void close() {
        open = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
