package io.provisioning.orchestrator.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    @Test
    void reads_named_events_with_multi_line_data_and_skips_comments() {
        EventStream events = new EventStream(Stream.of(
                ": keep-alive", "",
                "event: task", "data: {\"id\":\"t\",", "data: \"status\":\"Running\"}", "",
                "id: 7", "event:log", "data:{\"line\":\"hello\"}", "",
                "data: no name", ""));

        assertThat(events.next()).contains(new ServerEvent("task", "{\"id\":\"t\",\n\"status\":\"Running\"}"));
        assertThat(events.next()).contains(new ServerEvent("log", "{\"line\":\"hello\"}", "7"));
        assertThat(events.next()).contains(new ServerEvent("message", "no name"));
        assertThat(events.next()).isEmpty();
    }

    @Test
    void an_event_cut_off_by_the_end_of_the_stream_is_dropped() {
        EventStream events = new EventStream(Stream.of("event: task", "data: {}"));

        assertThat(events.next()).isEmpty();
    }

    @Test
    void data_that_is_not_json_reads_as_a_string() {
        assertThat(new ServerEvent("x", "plain").json().asText()).isEqualTo("plain");
        assertThat(new ServerEvent("x", "{\"a\":1}").json().path("a").asInt()).isEqualTo(1);
    }
}
