package io.provisioning.orchestrator.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskQueueTest {
    private final MutableClock clock = MutableClock.atEpochPlusOneDay();
    private final TaskQueue queue = new TaskQueue(clock);

    @Test
    void hands_out_higher_priority_first_and_fifo_within_a_priority() {
        queue.add(new QueueEntry("low-1", 25, 1, null));
        queue.add(new QueueEntry("high-1", 75, 2, null));
        queue.add(new QueueEntry("normal-1", 50, 3, null));
        queue.add(new QueueEntry("high-2", 75, 4, null));
        queue.add(new QueueEntry("low-2", 25, 5, null));
        assertThat(drain()).containsExactly("high-1", "high-2", "normal-1", "low-1", "low-2");
    }

    @Test
    void holds_back_an_entry_until_its_retry_time_has_come() {
        queue.add(new QueueEntry("retry", 100, 1, clock.instant().plusSeconds(10)));
        queue.add(new QueueEntry("fresh", 10, 2, null));
        assertThat(drain()).containsExactly("fresh");
        clock.advance(Duration.ofSeconds(9));
        assertThat(queue.poll()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.poll()).map(QueueEntry::taskId).contains("retry");
    }

    @Test
    void replaces_an_entry_added_twice_for_the_same_task() {
        queue.add(new QueueEntry("a", 10, 1, null));
        queue.add(new QueueEntry("a", 90, 1, null));
        assertThat(queue.size()).isEqualTo(1);
        assertThat(drain()).containsExactly("a");
    }

    @Test
    void removes_an_entry_so_it_never_runs() {
        queue.add(new QueueEntry("a", 10, 1, null));
        queue.add(new QueueEntry("b", 10, 2, null));
        assertThat(queue.remove("a")).isTrue();
        assertThat(drain()).containsExactly("b");
    }

    @Test
    void take_waits_for_an_entry_and_gives_up_after_the_timeout() throws Exception {
        assertThat(queue.take(Duration.ofMillis(20))).isEmpty();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException ignored) {
            }
            queue.add(new QueueEntry("late", 50, 1, null));
        });
        assertThat(queue.take(Duration.ofSeconds(10))).map(QueueEntry::taskId).contains("late");
    }

    private List<String> drain() {
        List<String> ids = new ArrayList<>();
        Optional<QueueEntry> next;
        while ((next = queue.poll()).isPresent()) {
            ids.add(next.get().taskId());
        }
        return ids;
    }
}
