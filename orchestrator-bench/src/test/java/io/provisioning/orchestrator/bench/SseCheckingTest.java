package io.provisioning.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of bin/bench sse: reading the event stream and comparing what each subscriber saw. */
class SseCheckingTest {

    @Test
    void parses_events_with_ids_types_and_multi_line_data_and_skips_comments() {
        SseParser parser = new SseParser();
        List<SseParser.Event> events = new ArrayList<>();
        for (String line : List.of(": keep-alive", "", "event: task", "data: {\"a\":1}", "id: 7", "",
                "data:first", "data: second", "", "id: 9", "event: log", "retry: 10", "data", "")) {
            SseParser.Event event = parser.line(line);
            if (event != null) {
                events.add(event);
            }
        }
        assertThat(events).containsExactly(
                new SseParser.Event("7", "task", "{\"a\":1}"),
                new SseParser.Event("7", "message", "first\nsecond"), // the id carries over
                new SseParser.Event("9", "log", ""));
    }

    @Test
    void reads_the_top_level_id_and_status_of_a_task_and_ignores_nested_ones() {
        String json = "{\"id\":\"t-1\",\"progress\":{\"status\":\"nested\",\"id\":\"x\"},\"args\":[\"status\"],"
                + "\"status\":\"Running\",\"name\":\"n\"}";
        assertThat(SseSubscriber.idAndStatus(json)).containsExactly("t-1", "Running");
        assertThatThrownBy(() -> SseSubscriber.idAndStatus("{\"id\":\"t-1\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_subscriber_that_saw_everything_in_order_matches_the_reference() {
        StatusTrail reference = trail("a:Pending", "b:Pending", "a:Running", "a:Completed", "b:Running", "b:Completed");
        StatusTrail subscriber = trail("b:Pending", "a:Pending", "a:Running", "b:Running", "a:Completed", "b:Completed");

        StatusTrail.Comparison c = StatusTrail.compare(reference, subscriber);

        assertThat(c.matched()).isEqualTo(6);
        assertThat(c.missing()).isZero();
        assertThat(c.extra()).isZero();
        assertThat(c.lagMicros()).hasSize(6);
    }

    @Test
    void counts_missing_reordered_duplicate_and_unknown_events() {
        StatusTrail reference = trail("a:Pending", "a:Running", "a:Completed", "b:Pending", "b:Running", "b:Completed");
        StatusTrail subscriber = trail(
                "a:Pending", "a:Completed",                // a: Running missing
                "b:Running", "b:Pending", "b:Completed",   // b: Running came before Pending
                "c:Pending",                               // a task the reference never had
                "a:Completed");                            // a duplicate

        StatusTrail.Comparison c = StatusTrail.compare(reference, subscriber);

        assertThat(c.missing()).isEqualTo(2); // a's Running, b's Running (not in order)
        assertThat(c.extra()).isEqualTo(3);   // b's early Running, c's Pending, a's second Completed
        assertThat(c.matched()).isEqualTo(4);
    }

    @Test
    void counts_terminal_statuses_as_they_arrive() {
        StatusTrail t = new StatusTrail();
        assertThat(t.add("a", "Pending", 0)).isZero();
        assertThat(t.add("a", "Failed", 0)).isEqualTo(1);
        assertThat(t.add("b", "Cancelled", 0)).isEqualTo(2);
        assertThat(t.events()).isEqualTo(3);
        assertThat(t.tasks()).isEqualTo(2);
    }

    private static StatusTrail trail(String... taskColonStatus) {
        StatusTrail trail = new StatusTrail();
        long t = 0;
        for (String s : taskColonStatus) {
            String[] parts = s.split(":");
            trail.add(parts[0], parts[1], t += 1_000);
        }
        return trail;
    }
}
