package io.provisioning.orchestrator.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.cli.support.StandInServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client side of the event stream, against a stand-in that speaks the protocol the server
 * offers (event "task" with the task JSON, event "log" with one line; the stream ends at a
 * terminal status). The real server is exercised by TaskCommandsTest and ProgressDisplayTest.
 */
class TaskFollowerTest {
    private static final String RUNNING = "{\"id\":\"t1\",\"status\":\"Running\",\"progress\":{\"percent\":10,\"message\":\"start\"}}";

    @Test
    void follows_task_and_log_events_until_a_terminal_status() {
        String stream = """
                event: task
                data: {"id":"t1","status":"Running","progress":{"percent":50,"message":"web-01 created"}}

                event: log
                data: {"task_id":"t1","attempt":1,"stream":"stdout","line":"created web-01"}

                event: task
                data: {"id":"t1","status":"Completed","progress":{"percent":100,"message":"done"}}

                event: task
                data: {"id":"t1","status":"Running","progress":{"percent":1,"message":"never read"}}

                """;
        try (StandInServer server = StandInServer.answering(404, "application/json", "{}")
                .on("GET /tasks/t1", 200, "application/json", StandInServer.envelope(true, RUNNING, null))
                .on("GET /tasks/t1/events", 200, "text/event-stream", stream)) {
            Recorder recorder = new Recorder();

            JsonNode end = new TaskFollower(new OrchestratorClient(server.url(), null), recorder, true, notice -> { })
                    .follow("t1");

            assertThat(end.path("status").asText()).isEqualTo("Completed");
            assertThat(recorder.seen).containsExactly("Running 10", "Running 10", "Running 50",
                    "log stdout created web-01", "Completed 100", "finish Completed");
            assertThat(server.requests()).containsExactly("GET /tasks/t1", "GET /tasks/t1/events", "GET /tasks/t1");
        }
    }

    @Test
    void log_lines_are_left_out_unless_asked_for() {
        String stream = "event: log\ndata: {\"stream\":\"stdout\",\"line\":\"x\"}\n\n"
                + "event: task\ndata: {\"id\":\"t1\",\"status\":\"Failed\"}\n\n";
        try (StandInServer server = StandInServer.answering(404, "application/json", "{}")
                .on("GET /tasks/t1", 200, "application/json", StandInServer.envelope(true, RUNNING, null))
                .on("GET /tasks/t1/events", 200, "text/event-stream", stream)) {
            Recorder recorder = new Recorder();

            new TaskFollower(new OrchestratorClient(server.url(), null), recorder, false, notice -> { }).follow("t1");

            assertThat(recorder.seen).doesNotContain("log stdout x").endsWith("finish Failed");
        }
    }

    @Test
    void without_an_event_stream_on_the_server_it_polls_and_says_logs_are_unavailable() {
        String completed = "{\"id\":\"t1\",\"status\":\"Completed\",\"progress\":{\"percent\":100}}";
        try (StandInServer server = StandInServer.answering(404, "application/json",
                        StandInServer.envelope(false, "null", "Endpoint GET /tasks/t1/events not found"))
                .onSequence("GET /tasks/t1", 200, "application/json", StandInServer.envelope(true, RUNNING, null),
                        StandInServer.envelope(true, RUNNING, null), StandInServer.envelope(true, completed, null))) {
            Recorder recorder = new Recorder();
            List<String> notices = new ArrayList<>();

            JsonNode end = new TaskFollower(new OrchestratorClient(server.url(), null), recorder, true, notices::add)
                    .follow("t1");

            assertThat(end.path("status").asText()).isEqualTo("Completed");
            assertThat(recorder.seen).endsWith("Completed 100", "finish Completed");
            assertThat(notices).containsExactly("note: the orchestrator at " + server.url()
                    + " has no event stream; following by polling, without log lines");
        }
    }

    @Test
    void an_earlier_attempts_end_replayed_by_the_stream_is_not_taken_for_the_end_of_a_retry() {
        String pending = "{\"id\":\"t1\",\"status\":\"Pending\",\"attempts\":1,\"updated_at\":\"2026-01-01T00:00:02Z\"}";
        String history = "event: task\nid: 1\ndata: {\"id\":\"t1\",\"status\":\"Failed\",\"updated_at\":\"2026-01-01T00:00:01Z\"}\n\n";
        String live = "event: task\nid: 2\ndata: {\"id\":\"t1\",\"status\":\"Completed\",\"attempts\":2,"
                + "\"updated_at\":\"2026-01-01T00:00:03Z\"}\n\n";
        try (StandInServer server = StandInServer.answering(404, "application/json", "{}")
                .on("GET /tasks/t1", 200, "application/json", StandInServer.envelope(true, pending, null))
                .onSequence("GET /tasks/t1/events", 200, "text/event-stream", history, live)) {
            Recorder recorder = new Recorder();

            JsonNode end = new TaskFollower(new OrchestratorClient(server.url(), null), recorder, false, n -> { })
                    .follow("t1");

            assertThat(end.path("status").asText()).isEqualTo("Completed");
            assertThat(recorder.seen).doesNotContain("Failed 0").endsWith("Completed 0", "finish Completed");
        }
    }

    private static final class Recorder implements TaskProgress {
        final List<String> seen = new ArrayList<>();

        @Override
        public void update(JsonNode task) {
            seen.add(task.path("status").asText() + " " + task.path("progress").path("percent").asInt());
        }

        @Override
        public void log(String stream, String line) {
            seen.add("log " + stream + " " + line);
        }

        @Override
        public void finish(JsonNode task) {
            seen.add("finish " + task.path("status").asText());
        }
    }
}
