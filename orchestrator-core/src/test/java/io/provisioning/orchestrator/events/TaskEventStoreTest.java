package io.provisioning.orchestrator.events;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskEventStoreTest {
    @TempDir Path logs;
    private final MutableClock clock = MutableClock.atEpochPlusOneDay();

    @Test
    void numbers_each_tasks_events_from_one_and_replays_them_after_a_given_id() {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            Task task = aTask().pending();
            List<RecordedEvent> live = new ArrayList<>();
            store.subscribe(task.id(), live::add);
            store.accept(new TaskEvent.Changed(task));
            store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "hello"));
            store.accept(new TaskEvent.Changed(task.start(Instant.parse("2026-01-01T00:00:01Z"))));
            assertThat(live).extracting(RecordedEvent::id).containsExactly(1L, 2L, 3L);
            assertThat(store.read(task.id(), 1)).extracting(RecordedEvent::type).containsExactly("log", "task");
            assertThat(store.read(task.id(), 0).get(1).data().path("line").asText()).isEqualTo("hello");
        }
    }

    @Test
    void a_task_event_carries_the_tasks_json_live_and_as_read_back_from_its_file() throws Exception {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            Task task = aTask().pending();
            Task done = task.start(Instant.parse("2026-01-01T00:00:01Z")).complete(Instant.parse("2026-01-01T00:00:02Z"), 0,
                    "ok \"quoted\" \u00fc\n");
            List<RecordedEvent> live = new ArrayList<>();
            store.subscribe(task.id(), live::add);
            store.accept(new TaskEvent.Changed(task));
            store.accept(new TaskEvent.Changed(done));
            String expected = io.provisioning.orchestrator.json.Json.mapper().valueToTree(done).toString();
            assertThat(live.get(1).json()).isEqualTo(expected);
            assertThat(live.get(1).data().path("status").asText()).isEqualTo("Completed");
            assertThat(live).extracting(RecordedEvent::isTerminal).containsExactly(false, true);
            List<RecordedEvent> read = store.read(task.id(), 0);
            assertThat(read).extracting(RecordedEvent::json).containsExactly(live.get(0).json(), expected);
            assertThat(read).extracting(RecordedEvent::isTerminal).containsExactly(false, true);
            assertThat(read).extracting(RecordedEvent::ts).containsExactlyElementsOf(live.stream().map(RecordedEvent::ts).toList());
        }
    }

    @Test
    void keeps_every_line_when_a_batch_touches_more_tasks_than_files_it_keeps_open() {
        List<Task> tasks = new ArrayList<>();
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            for (int i = 0; i < 2_000; i++) { // far more than the 256 open files, published faster than written
                Task task = aTask().pending();
                tasks.add(task);
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "line of " + task.id()));
            }
            // a sample: without every buffered line flushed, each read would wait out its bound first
            for (Task task : List.of(tasks.get(0), tasks.get(700), tasks.get(1_400), tasks.get(tasks.size() - 1))) {
                assertThat(store.read(task.id(), 0)).as("log of " + task.id()).singleElement()
                        .satisfies(e -> assertThat(e.data().path("line").asText()).isEqualTo("line of " + task.id()));
            }
        }
    }

    @Test
    void hands_events_to_followers_in_numbering_order_when_published_from_several_threads() throws Exception {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            Task first = aTask().pending();
            Task second = aTask().pending();
            List<Long> arrived = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch inFirstDelivery = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch finishFirst = new java.util.concurrent.CountDownLatch(1);
            store.subscribeAll(event -> {
                if (event.taskId().equals(first.id())) {
                    inFirstDelivery.countDown();
                    try {
                        finishFirst.await(); // a follower slow to take the first event
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                arrived.add(event.globalId());
            });
            Thread one = Thread.ofPlatform().start(() -> store.accept(new TaskEvent.Changed(first)));
            inFirstDelivery.await();
            Thread two = Thread.ofPlatform().start(() -> store.accept(new TaskEvent.Changed(second)));
            // the second publisher either finished (the event overtook the first) or waits its turn
            while (two.getState() != Thread.State.BLOCKED && two.getState() != Thread.State.TERMINATED) {
                Thread.onSpinWait();
            }
            finishFirst.countDown();
            one.join();
            two.join();
            assertThat(arrived).hasSize(2).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void continues_the_numbering_after_a_restart_and_skips_a_torn_last_line() throws Exception {
        Task task = aTask().running();
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "one"));
            store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "two"));
        }
        Files.writeString(logs.resolve(task.id()).resolve("events.log"), "{\"id\":3,\"ty", StandardOpenOption.APPEND);
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            store.accept(new TaskEvent.LogLine(task.id(), 2, "stdout", "three"));
            List<RecordedEvent> all = store.read(task.id(), 0);
            assertThat(all).extracting(e -> e.data().path("line").asText()).containsExactly("one", "two", "three");
            assertThat(all.get(2).id()).as("ids a crash may have handed out unwritten are not given again")
                    .isEqualTo(2 + TaskEventStore.RECOUNT_GAP);
        }
    }

    @Test
    void drops_log_lines_over_the_cap_with_one_marker_but_keeps_status_changes() {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 20, 100)) {
            Task task = aTask().running();
            for (int i = 0; i < 10; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "line " + i));
            }
            store.accept(new TaskEvent.Changed(task.complete(Instant.parse("2026-01-01T00:00:05Z"), 0, "")));
            List<RecordedEvent> events = store.read(task.id(), 0);
            assertThat(events.stream().filter(e -> e.data().path("line").asText().startsWith("line "))).hasSize(3);
            assertThat(events).anyMatch(e -> e.data().path("line").asText().contains("log cap of 20 bytes"));
            assertThat(events.get(events.size() - 1).isTerminal()).isTrue();
        }
    }

    @Test
    void deletes_the_logs_of_tasks_finished_before_the_retention() {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            Task old = aTask().completed();
            Task fresh = aTask().running();
            store.accept(new TaskEvent.Changed(old));
            store.accept(new TaskEvent.Changed(fresh));
            store.read(fresh.id(), 0);
            int deleted = store.deleteFinishedBefore(Instant.parse("2026-06-01T00:00:00Z"),
                    id -> id.equals(old.id()) ? java.util.Optional.of(old) : java.util.Optional.of(fresh));
            assertThat(deleted).isEqualTo(1);
            assertThat(logs.resolve(old.id())).doesNotExist();
            assertThat(logs.resolve(fresh.id())).exists();
        }
    }

    @Test
    void numbers_the_all_tasks_stream_on_from_before_a_restart_even_with_the_clock_set_back() {
        Task task = aTask().running();
        long before;
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            List<RecordedEvent> seen = new ArrayList<>();
            store.subscribeAll(seen::add);
            for (int i = 0; i < 3; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "line " + i));
            }
            assertThat(seen).extracting(RecordedEvent::globalId).isSorted().doesNotHaveDuplicates();
            before = seen.get(2).globalId();
            store.read(task.id(), 0); // written
        }
        MutableClock setBack = new MutableClock(clock.instant().minus(java.time.Duration.ofDays(1)));
        try (TaskEventStore store = new TaskEventStore(logs, setBack, 1_000_000, 100)) {
            List<RecordedEvent> seen = new ArrayList<>();
            store.subscribeAll(seen::add);
            store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "after the restart"));
            assertThat(seen.get(0).globalId()).as("a Last-Event-ID from before the restart resumes before it")
                    .isGreaterThan(before);
            assertThat(store.recent(before)).extracting(e -> e.data().path("line").asText())
                    .containsExactly("after the restart");
        }
    }

    @Test
    void counts_the_log_cap_in_utf8_bytes() {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 20, 100)) {
            Task task = aTask().running();
            for (int i = 0; i < 4; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "\u00e9\u00e9\u00e9\u00e9\u00e9")); // 5 chars, 10 bytes
            }
            List<RecordedEvent> events = store.read(task.id(), 0);
            assertThat(events.stream().filter(e -> e.data().path("line").asText().startsWith("\u00e9"))).hasSize(2);
            assertThat(events.get(events.size() - 1).data().path("line").asText()).contains("log cap of 20 bytes");
        }
    }

    @Test
    void bounds_the_replay_buffer_of_all_tasks_in_bytes_keeping_the_newest() {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 100_000_000, 100_000, 50_000)) {
            Task task = aTask().running();
            for (int i = 0; i < 200; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", i + " " + "x".repeat(1_000)));
            }
            List<RecordedEvent> recent = store.recent(0);
            assertThat(recent.stream().mapToLong(RecordedEvent::weight).sum()).isLessThanOrEqualTo(50_000);
            assertThat(recent).hasSizeBetween(10, 30);
            assertThat(recent.get(recent.size() - 1).data().path("line").asText()).startsWith("199 ");
        }
    }

    @Test
    void sends_progress_as_a_small_event_without_the_task() {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            Task task = aTask().running();
            store.accept(new TaskEvent.Progressed(task.id(), 1, new io.provisioning.orchestrator.task.Progress(40, "half"),
                    Instant.parse("2026-01-01T00:00:02Z")));
            RecordedEvent event = store.read(task.id(), 0).get(0);
            assertThat(event.type()).isEqualTo("progress");
            assertThat(event.data().toString()).isEqualTo("{\"task_id\":\"" + task.id() + "\",\"attempt\":1,"
                    + "\"status\":\"Running\",\"progress\":{\"percent\":40,\"message\":\"half\"},"
                    + "\"updated_at\":\"2026-01-01T00:00:02Z\"}");
        }
    }

    @Test
    void scans_a_tasks_file_line_by_line_and_stops_when_told() {
        try (TaskEventStore store = new TaskEventStore(logs, clock, 1_000_000, 100)) {
            Task task = aTask().running();
            for (int i = 0; i < 10; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "line " + i));
            }
            List<Long> ids = new ArrayList<>();
            store.scan(task.id(), 4, e -> ids.add(e.id()) && ids.size() < 3);
            assertThat(ids).containsExactly(5L, 6L, 7L);
            assertThat(store.lastId(task.id())).isEqualTo(10);
        }
    }
}
