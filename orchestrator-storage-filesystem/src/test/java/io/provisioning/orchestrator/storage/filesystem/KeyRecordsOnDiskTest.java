package io.provisioning.orchestrator.storage.filesystem;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotency keys leave memory once their record files are written, and still mean once: after
 * a restart, after the record left the cache, under concurrent submissions, and across a kill -9
 * between the journal line and the checkpoint.
 */
class KeyRecordsOnDiskTest {
    private static final int COMPACT_AT = 7;
    private static final int KEY_CACHE = 4;

    @TempDir Path dataDir;
    private FilesystemTaskStorage storage;

    @AfterEach
    void close() {
        if (storage != null) {
            storage.close();
        }
    }

    private FilesystemTaskStorage open() {
        return new FilesystemTaskStorage(dataDir, Duration.ofHours(1), "sync", COMPACT_AT, KEY_CACHE);
    }

    private static IdempotencyRecord record(String key, Task task) {
        return new IdempotencyRecord(key, "hash-" + key, Map.of("task", task.id()), Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A workflow submission as the server makes it: the answer task carries the key, and it finishes. */
    private Task submit(String key) {
        Task task = aTask().withIdempotencyKey(key).pending();
        assertThat(storage.saveSubmission(List.of(task), record(key, task))).isEmpty();
        storage.saveAndDequeue(task.start(Instant.parse("2026-01-01T00:00:01Z")));
        storage.save(task.start(Instant.parse("2026-01-01T00:00:01Z")).complete(Instant.parse("2026-01-01T00:00:02Z"), 0, "ok"));
        return task;
    }

    @Test
    void a_key_used_again_after_its_record_left_memory_and_after_a_restart_answers_the_first_submission() throws Exception {
        storage = open();
        Task first = submit("key-first");
        storage.checkpointNow();
        for (int i = 0; i < 20; i++) {
            submit("key-" + i);
        }
        storage.checkpointNow();
        storage.checkpointNow(); // the key list compacts after the round that wrote the files
        assertThat(storage.keysInMemory()).as("only the cache and the key hashes since the last compaction")
                .isLessThanOrEqualTo(KEY_CACHE + COMPACT_AT);
        for (int round = 0; round < 2; round++) {
            Task second = aTask().withIdempotencyKey("key-first").pending();
            assertThat(storage.saveSubmission(List.of(second), record("key-first", second))).contains(record("key-first", first));
            assertThat(storage.find(second.id())).isEmpty();
            assertThat(storage.findIdempotencyRecord("key-first")).contains(record("key-first", first));
            assertThat(storage.findByIdempotencyKey("key-first")).get().extracting(Task::id).isEqualTo(first.id());
            assertThat(storage.count()).isEqualTo(21);
            storage.close();
            storage = open();
            assertThat(storage.keysInMemory()).as("a start reads no key record").isLessThanOrEqualTo(COMPACT_AT);
        }
        Set<String> scanned = new HashSet<>();
        String after = "";
        for (List<IdempotencyRecord> page = storage.scanIdempotencyRecords(after, 3); !page.isEmpty();
                page = storage.scanIdempotencyRecords(after, 3)) {
            page.forEach(r -> assertThat(scanned.add(r.key())).as("scanned once: %s", r.key()).isTrue());
            after = page.get(page.size() - 1).key();
        }
        assertThat(scanned).hasSize(21).contains("key-first", "key-0", "key-19");
    }

    @Test
    void twenty_concurrent_submissions_with_one_key_make_one_task_whether_the_key_is_new_or_on_disk_only() throws Exception {
        storage = new FilesystemTaskStorage(dataDir, Duration.ofMillis(20), "sync", COMPACT_AT, KEY_CACHE);
        IdempotencyRecord first = race("new-key", true);
        for (int i = 0; i < 10; i++) {
            submit("filler-" + i); // pushes new-key out of the cache once the files are written
        }
        storage.checkpointNow();
        assertThat(race("new-key", false)).isEqualTo(first);
        assertThat(storage.count()).isEqualTo(11);
    }

    /** 20 threads submit with {@code key} at once; answers the record stored. {@code isNew}: one of them stores it. */
    private IdempotencyRecord race(String key, boolean isNew) throws Exception {
        int threads = 20;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Optional<IdempotencyRecord>> answers = new ConcurrentLinkedQueue<>();
        List<Task> tasks = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Task task = aTask().withIdempotencyKey(key).pending();
            tasks.add(task);
            running.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    answers.add(storage.saveSubmission(List.of(task), record(key, task)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        start.countDown();
        for (Thread thread : running) {
            thread.join(30_000);
        }
        assertThat(answers).hasSize(threads);
        IdempotencyRecord stored = storage.findIdempotencyRecord(key).orElseThrow();
        long stores = answers.stream().filter(Optional::isEmpty).count();
        assertThat(stores).as("submissions stored").isEqualTo(isNew ? 1 : 0);
        assertThat(answers.stream().filter(Optional::isPresent).map(Optional::get)).allMatch(stored::equals);
        List<String> kept = tasks.stream().filter(t -> storage.find(t.id()).isPresent()).map(Task::id).toList();
        if (isNew) {
            assertThat(kept).containsExactly(stored.taskIds().get("task"));
        } else {
            assertThat(kept).isEmpty();
        }
        return stored;
    }

    @Test
    void a_key_acknowledged_but_never_checkpointed_survives_kill_minus_nine() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process probe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KeyProbe.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String[]> acked = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < 40 && (line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(line.split(" "));
                }
            }
        } finally {
            probe.destroyForcibly(); // SIGKILL: the probe never checkpoints (an interval of an hour)
            probe.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(acked).hasSize(40);
        storage = open();
        for (String[] ack : acked) {
            String key = ack[1];
            Task again = aTask().withIdempotencyKey(key).pending();
            Optional<IdempotencyRecord> stored = storage.saveSubmission(List.of(again), record(key, again));
            assertThat(stored).as("key %s", key).get().extracting(r -> r.taskIds().get("task")).isEqualTo(ack[2]);
            assertThat(storage.find(again.id())).isEmpty();
        }
        storage.close();
        storage = open(); // now from the record files the replay wrote
        for (String[] ack : acked) {
            assertThat(storage.findIdempotencyRecord(ack[1])).as("key %s", ack[1]).isPresent();
        }
    }

    @Test
    void the_key_maps_stay_bounded_however_many_finished_tasks_carry_keys() throws Exception {
        storage = open();
        int n = 300;
        Task legacy = aTask().withIdempotencyKey("legacy-key").completed(); // a task stored before key records
        storage.save(legacy);
        List<Task> submitted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            submitted.add(submit("bounded-" + i));
            if (i % 50 == 49) {
                storage.checkpointNow();
            }
        }
        storage.checkpointNow();
        storage.checkpointNow();
        int bound = KEY_CACHE + COMPACT_AT;
        assertThat(storage.keysInMemory()).as("keys in memory with %d finished keyed tasks", n).isLessThanOrEqualTo(bound);
        assertThat(storage.tasksInMemory()).isZero();
        storage.close();
        storage = open();
        assertThat(storage.keysInMemory()).isLessThanOrEqualTo(bound);
        assertThat(storage.findByIdempotencyKey("legacy-key")).contains(legacy);
        assertThat(storage.findByIdempotencyKey("bounded-0")).get().extracting(Task::id).isEqualTo(submitted.get(0).id());
        assertThat(storage.findIdempotencyRecord("bounded-" + (n - 1))).contains(record("bounded-" + (n - 1), submitted.get(n - 1)));
        assertThat(storage.findByIdempotencyKey("never-used")).isEmpty();
        assertThat(storage.findIdempotencyRecord("never-used")).isEmpty();
    }

    @Test
    void a_store_from_before_the_index_keeps_its_keys_on_disk_and_still_finds_them() throws Exception {
        Path root = dataDir.resolve("queue.rkvs");
        java.nio.file.Files.createDirectories(root.resolve("tasks"));
        java.nio.file.Files.createDirectories(root.resolve("idempotency"));
        var json = io.provisioning.orchestrator.json.Json.mapper();
        Task legacy = aTask().withIdempotencyKey("old-key").completed(); // from before key records
        Task recorded = aTask().withIdempotencyKey("recorded-key").completed();
        for (Task task : List.of(legacy, recorded)) {
            java.nio.file.Files.write(root.resolve("tasks/" + task.id() + ".json"), json.writeValueAsBytes(task));
        }
        IdempotencyRecord record = record("recorded-key", recorded);
        java.nio.file.Files.write(IdempotencyFiles.fileFor(new FilesystemLayout(root), "recorded-key"), json.writeValueAsBytes(record));
        for (int round = 0; round < 2; round++) {
            storage = open();
            assertThat(storage.keysInMemory()).isZero();
            assertThat(storage.findByIdempotencyKey("old-key")).contains(legacy);
            assertThat(storage.findByIdempotencyKey("recorded-key")).contains(recorded);
            assertThat(storage.findIdempotencyRecord("recorded-key")).contains(record);
            assertThat(storage.scanIdempotencyRecords("", 10)).containsExactly(record);
            Task again = aTask().withIdempotencyKey("recorded-key").pending();
            assertThat(storage.saveSubmission(List.of(again), record("recorded-key", again))).contains(record);
            storage.close();
            storage = null;
        }
    }
}
