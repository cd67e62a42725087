package io.provisioning.orchestrator.events;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.durability.DurabilityReport;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TaskEventStore#replayAll}: a reader of every task's events resuming after an id that memory
 * no longer holds gets every event after it from disk, in order, across a restart; where the disk
 * no longer has them either it is told so by a {@code gap} event, never silently.
 */
class AllTasksReplayTest {
    @TempDir Path logs;
    private final MutableClock clock = MutableClock.atEpochPlusOneDay();

    private TaskEventStore store(int memoryEvents, long diskBytes, long segmentBytes) {
        return new TaskEventStore(logs, clock, 1_000_000_000, memoryEvents, TaskEventStore.DEFAULT_RECENT_BYTES,
                new DurabilityReport(clock), new AllTasksEventLog(logs.resolve("all-tasks"), diskBytes, segmentBytes));
    }

    private static List<RecordedEvent> replay(TaskEventStore store, long after) {
        List<RecordedEvent> got = new ArrayList<>();
        store.replayAll(after, got::add);
        return got;
    }

    private static List<Long> ids(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::globalId).toList();
    }

    @Test
    void resumes_after_an_id_memory_no_longer_holds_with_every_event_after_it_in_order() {
        try (TaskEventStore store = store(10, 64L << 20, 8L << 20)) {
            List<RecordedEvent> published = new ArrayList<>();
            store.subscribeAll(published::add);
            List<Task> tasks = List.of(aTask().running(), aTask().running(), aTask().running());
            for (int i = 0; i < 300; i++) {
                Task task = tasks.get(i % 3);
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "line " + i));
            }
            assertThat(store.recent(0)).as("memory keeps only the newest").hasSize(10);
            long after = published.get(4).globalId();
            List<RecordedEvent> got = replay(store, after);
            assertThat(ids(got)).containsExactlyElementsOf(ids(published.subList(5, 300)));
            assertThat(got).extracting(RecordedEvent::json)
                    .containsExactlyElementsOf(published.subList(5, 300).stream().map(RecordedEvent::json).toList());
            assertThat(got).extracting(RecordedEvent::taskId)
                    .containsExactlyElementsOf(published.subList(5, 300).stream().map(RecordedEvent::taskId).toList());
            assertThat(got.get(0).data().path("line").asText()).isEqualTo("line 5");
        }
    }

    @Test
    void resumes_across_a_restart_from_disk_then_goes_on_with_the_new_events() {
        Task task = aTask().running();
        List<RecordedEvent> before = new ArrayList<>();
        try (TaskEventStore store = store(1_000, 64L << 20, 8L << 20)) {
            store.subscribeAll(before::add);
            for (int i = 0; i < 50; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "before " + i));
            }
        }
        try (TaskEventStore store = store(1_000, 64L << 20, 8L << 20)) {
            List<RecordedEvent> after = new ArrayList<>();
            store.subscribeAll(after::add);
            for (int i = 0; i < 5; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "after " + i));
            }
            List<RecordedEvent> got = replay(store, before.get(9).globalId());
            List<Long> expected = new ArrayList<>(ids(before.subList(10, 50)));
            expected.addAll(ids(after));
            assertThat(ids(got)).containsExactlyElementsOf(expected);
            assertThat(got).noneMatch(e -> e.type().equals("gap"));
        }
    }

    @Test
    void says_where_events_are_no_longer_kept_when_old_segments_were_deleted() {
        try (TaskEventStore store = store(10, 8_192, 4_096)) {
            List<RecordedEvent> published = new ArrayList<>();
            store.subscribeAll(published::add);
            Task task = aTask().running();
            for (int i = 0; i < 400; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", i + " " + "x".repeat(100)));
                if (i % 20 == 19) {
                    store.read(task.id(), 0); // let the writer catch up, so segments rotate and old ones go
                }
            }
            long first = published.get(0).globalId();
            List<RecordedEvent> got = replay(store, first);
            assertThat(got.get(0).type()).isEqualTo("gap");
            assertThat(got.get(0).data().path("after").asLong()).isEqualTo(first);
            long upTo = got.get(0).data().path("up_to").asLong();
            assertThat(got.get(0).globalId()).isEqualTo(upTo);
            // after the gap, every event from the first one still kept to the newest, in order, with no second gap
            int resumeAt = ids(published).indexOf(got.get(1).globalId());
            assertThat(published.get(resumeAt - 1).globalId()).as("the gap ends at the last event missed").isEqualTo(upTo);
            assertThat(ids(got.subList(1, got.size()))).containsExactlyElementsOf(ids(published.subList(resumeAt, 400)));
            assertThat(resumeAt).isBetween(100, 395);
        }
    }

    @Test
    void a_line_torn_by_a_crash_is_cut_at_open_and_the_chain_still_holds() throws Exception {
        Task task = aTask().running();
        List<RecordedEvent> before = new ArrayList<>();
        try (TaskEventStore store = store(5, 64L << 20, 8L << 20)) {
            store.subscribeAll(before::add);
            for (int i = 0; i < 20; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "before " + i));
            }
        }
        Path segment;
        try (Stream<Path> all = Files.list(logs.resolve("all-tasks"))) {
            segment = all.sorted().reduce((a, b) -> b).orElseThrow();
        }
        Files.writeString(segment, "{\"g\":99999999999999999,\"p\":1,\"task\":\"x", StandardOpenOption.APPEND);
        try (TaskEventStore store = store(5, 64L << 20, 8L << 20)) {
            store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "after"));
            List<RecordedEvent> got = replay(store, before.get(2).globalId());
            assertThat(got).noneMatch(e -> e.type().equals("gap"));
            assertThat(got).extracting(e -> e.data().path("line").asText()).first().isEqualTo("before 3");
            assertThat(got).extracting(e -> e.data().path("line").asText()).last().isEqualTo("after");
            assertThat(got).hasSize(18);
        }
        assertThat(Files.readString(segment)).endsWith("}\n");
    }

    @Test
    void replays_taken_while_events_pour_in_and_memory_evicts_have_no_hole() throws Exception {
        try (TaskEventStore store = store(20, 64L << 20, 1L << 20)) {
            List<Long> published = java.util.Collections.synchronizedList(new ArrayList<>());
            store.subscribeAll(e -> published.add(e.globalId()));
            Task task = aTask().running();
            Thread publisher = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "line " + i));
                }
            });
            int replays = 0;
            while (publisher.isAlive() || replays < 5) {
                List<Long> snapshot;
                synchronized (published) {
                    snapshot = List.copyOf(published);
                }
                if (snapshot.size() < 10) {
                    continue;
                }
                int from = snapshot.size() / 2;
                List<Long> got = ids(replay(store, snapshot.get(from)));
                List<Long> expected;
                synchronized (published) {
                    expected = List.copyOf(published.subList(from + 1, from + 1 + got.size()));
                }
                assertThat(got).as("replay %d after the %dth event", replays, from).isEqualTo(expected);
                replays++;
            }
            publisher.join();
            assertThat(replays).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void a_reader_new_to_the_stream_gets_what_memory_holds() {
        try (TaskEventStore store = store(10, 64L << 20, 8L << 20)) {
            Task task = aTask().running();
            for (int i = 0; i < 50; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "line " + i));
            }
            assertThat(replay(store, 0)).hasSize(10).noneMatch(e -> e.type().equals("gap"));
        }
    }
}
