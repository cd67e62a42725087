package io.provisioning.orchestrator.events;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.durability.DurabilityReport;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.MutableClock;
import io.provisioning.orchestrator.testing.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task logs on a real tmpfs filled to the last byte, then freed: lost lines are counted and marked. */
class TaskEventStoreOnFullDiskTest {
    private static final Pattern MARKER = Pattern.compile("\\[(\\d+) log lines? and (\\d+) status events? of this task"
            + " could not be written to disk between .* \\((.+)\\)]");
    @TempDir Path tmp;
    SmallDisk disk;
    final MutableClock clock = MutableClock.atEpochPlusOneDay();

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(tmp, 2);
    }

    @AfterEach
    void unmount() throws Exception {
        disk.close();
    }

    private static String during(int i) {
        return "during-" + i + " " + "x".repeat(200);
    }

    @Test
    void lines_the_full_disk_refused_are_counted_and_marked_in_the_log_once_space_returns() throws Exception {
        Path root = disk.path().resolve("logs");
        Task task = aTask().pending();
        try (TaskEventStore store = new TaskEventStore(root, clock, 10_000_000, 100)) {
            store.accept(new TaskEvent.Changed(task));
            store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "before"));
            assertThat(store.read(task.id(), 0)).hasSize(2);
            disk.fill();
            for (int i = 0; i < 50; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", during(i)));
            }
            store.read(task.id(), 0); // waits until the writer has tried them all
            disk.free();
            // nobody writes to this task any more: the marker still comes, on the writer's own retry
            await().atMost(Duration.ofSeconds(15)).until(() -> markerOf(store.read(task.id(), 0)) != null);
            store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", "after"));

            List<RecordedEvent> events = store.read(task.id(), 0);
            long kept = events.stream().filter(e -> e.data().path("line").asText().startsWith("during-")).count();
            Matcher marker = MARKER.matcher(markerOf(events));
            assertThat(marker.matches()).isTrue();
            assertThat(kept + Long.parseLong(marker.group(1))).as("every line is in the log or counted").isEqualTo(50);
            assertThat(Long.parseLong(marker.group(1))).isPositive();
            assertThat(marker.group(3)).contains("No space left on device");
            assertThat(events.get(events.size() - 1).data().path("line").asText()).isEqualTo("after");
            assertThat(events).extracting(RecordedEvent::id).isSorted().doesNotHaveDuplicates();
        }
        for (String line : Files.readAllLines(root.resolve(task.id()).resolve("events.log"))) {
            JsonNode parsed = Json.mapper().readTree(line); // no half line was left in the file
            assertThat(parsed.path("id").asLong()).isPositive();
        }
    }

    @Test
    void the_report_names_the_event_logs_while_the_disk_is_full_and_clears_once_it_heals() throws Exception {
        DurabilityReport report = new DurabilityReport(clock);
        Task task = aTask().pending();
        try (TaskEventStore store = new TaskEventStore(disk.path().resolve("logs"), clock, 10_000_000, 100, report)) {
            store.accept(new TaskEvent.Changed(task));
            store.read(task.id(), 0);
            disk.fill();
            for (int i = 0; i < 50; i++) {
                store.accept(new TaskEvent.LogLine(task.id(), 1, "stdout", during(i)));
            }
            store.read(task.id(), 0);
            // the lines are written by the store's writer thread: the report names the logs once its write failed
            await().atMost(Duration.ofSeconds(15)).until(() -> report.problems().containsKey(DurabilityReport.EVENT_LOGS));
            assertThat(report.summary().orElseThrow()).contains("event logs").contains("No space left on device");
            assertThat(store.lostEvents()).isPositive();
            disk.free();
            await().atMost(Duration.ofSeconds(15)).until(() -> report.problems().isEmpty());
        }
    }

    private static String markerOf(List<RecordedEvent> events) {
        return events.stream().map(e -> e.data().path("line").asText()).filter(l -> l.contains("could not be written"))
                .findFirst().orElse(null);
    }
}
