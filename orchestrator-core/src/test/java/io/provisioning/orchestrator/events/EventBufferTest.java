package io.provisioning.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class EventBufferTest {
    private static RecordedEvent event(long id, int chars) {
        return new RecordedEvent("t", id, id, "log", "ts", JsonNodeFactory.instance.textNode("x".repeat(chars)));
    }

    @Test
    void hands_events_on_in_order() throws Exception {
        EventBuffer buffer = new EventBuffer(10, 1_000_000);
        assertThat(buffer.offer(event(1, 1))).isTrue();
        assertThat(buffer.offer(event(2, 1))).isTrue();
        assertThat(buffer.poll(10).id()).isEqualTo(1);
        assertThat(buffer.poll(10).id()).isEqualTo(2);
        assertThat(buffer.poll(10)).isNull();
        assertThat(buffer.overflowed()).isFalse();
    }

    @Test
    void overflows_once_and_for_all_when_more_events_wait_than_it_holds() throws Exception {
        EventBuffer buffer = new EventBuffer(3, 1_000_000);
        for (int i = 1; i <= 3; i++) {
            assertThat(buffer.offer(event(i, 1))).isTrue();
        }
        assertThat(buffer.offer(event(4, 1))).isFalse();
        assertThat(buffer.overflowed()).isTrue();
        assertThat(buffer.isEmpty()).as("what it held is let go").isTrue();
        assertThat(buffer.offer(event(5, 1))).isFalse();
        assertThat(buffer.poll(10)).isNull();
    }

    @Test
    void overflows_when_the_waiting_events_weigh_more_than_its_bytes() {
        EventBuffer buffer = new EventBuffer(1_000, 10_000);
        assertThat(buffer.offer(event(1, 3_000))).isTrue();
        assertThat(buffer.offer(event(2, 3_000))).isFalse();
        assertThat(buffer.overflowed()).isTrue();
    }

    @Test
    void takes_one_event_heavier_than_its_bytes_when_empty_so_a_big_event_does_not_end_every_stream() throws Exception {
        EventBuffer buffer = new EventBuffer(1_000, 100);
        assertThat(buffer.offer(event(1, 1_000))).isTrue();
        assertThat(buffer.poll(10).id()).isEqualTo(1);
    }

    @Test
    void drops_events_already_sent_from_its_head() throws Exception {
        EventBuffer buffer = new EventBuffer(10, 1_000_000);
        for (int i = 1; i <= 4; i++) {
            buffer.offer(event(i, 1));
        }
        buffer.dropUpTo(2, RecordedEvent::id);
        assertThat(buffer.poll(10).id()).isEqualTo(3);
        assertThat(buffer.size()).isEqualTo(1);
    }
}
