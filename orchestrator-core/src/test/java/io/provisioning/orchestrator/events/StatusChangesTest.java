package io.provisioning.orchestrator.events;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.testing.InMemoryTaskStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusChangesTest {
    List<String> heard = new ArrayList<>();
    StatusChanges changes = new StatusChanges().listen((task, previous) -> heard.add(previous + "->" + task.status()));

    @Test
    void announces_each_status_change_once_and_not_progress() {
        Task pending = aTask().pending();
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        changes.accept(new TaskEvent.Changed(pending));
        changes.accept(new TaskEvent.Changed(running));
        changes.accept(new TaskEvent.Changed(running.withProgress(Instant.parse("2026-01-01T00:00:02Z"), new Progress(50, "half"))));
        changes.accept(new TaskEvent.Changed(running.complete(Instant.parse("2026-01-01T00:00:03Z"), 0, "ok")));
        assertThat(heard).containsExactly("null->Pending", "Pending->Running", "Running->Completed");
    }

    @Test
    void drops_an_older_state_that_arrives_after_a_newer_one() {
        Task pending = aTask().pending();
        Task running = pending.start(Instant.parse("2026-01-01T00:00:01Z"));
        changes.accept(new TaskEvent.Changed(running));
        changes.accept(new TaskEvent.Changed(pending));
        assertThat(heard).containsExactly("null->Running");
    }

    @Test
    void continues_from_what_storage_holds() {
        InMemoryTaskStorage storage = new InMemoryTaskStorage();
        Task running = aTask().running();
        storage.save(running);
        changes.rememberUnfinished(storage);
        changes.accept(new TaskEvent.Changed(running.fail(Instant.parse("2026-01-01T00:00:05Z"), 1, "", "boom")));
        assertThat(heard).containsExactly("Running->Failed");
    }

    @Test
    void a_listener_that_throws_does_not_stop_the_others() {
        List<String> second = new ArrayList<>();
        StatusChanges both = new StatusChanges().listen((t, p) -> {
            throw new IllegalStateException("boom");
        }).listen((t, p) -> second.add(t.status().name()));
        both.accept(new TaskEvent.Changed(aTask().pending()));
        assertThat(second).containsExactly("Pending");
    }
}
