package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event streams of the real server, run by real nu scripts, as the WHATWG EventSource standard
 * wants them: any Accept header (406 only for one that rules an event stream out), a retry: hint,
 * 204 for a finished task asked again after its end, /events ids that rise across a restart; and
 * progress and logs bounded: progress coalesced into small events, logs tailed and paged, a very
 * long line cut with a marker.
 */
class EventStreamStandardEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    private ServerProcess start() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        return ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2");
    }

    @Test
    void streams_for_any_accept_header_with_a_retry_hint_and_answers_204_once_a_finished_task_was_seen_to_its_end()
            throws Exception {
        try (ServerProcess server = start()) {
            Api api = server.api();
            String id = api.createServers("", "ok-s1");
            await().atMost(SseReader.patience()).until(() -> api.status(id).equals("Completed"));

            RawHttp.Answer plain = RawHttp.send(server.port(), "GET", "/tasks/" + id + "/events", List.of(), null);
            assertThat(plain.status()).as(plain.text()).isEqualTo(200);
            assertThat(plain.text().toLowerCase()).contains("content-type: text/event-stream");
            String body = plain.text().substring(plain.text().indexOf("\r\n\r\n") + 4);
            assertThat(body).startsWith("retry: ");
            assertThat(body).contains("event: task", "\"status\":\"Completed\"");
            List<String> ids = body.lines().filter(l -> l.startsWith("id: ")).map(l -> l.substring(4)).toList();
            assertThat(ids).isNotEmpty();

            RawHttp.Answer again = RawHttp.send(server.port(), "GET", "/tasks/" + id + "/events",
                    List.of("Accept", "text/event-stream", "Last-Event-ID", ids.get(ids.size() - 1)), null);
            assertThat(again.status()).as("an EventSource stops on 204").isEqualTo(204);
            RawHttp.Answer earlier = RawHttp.send(server.port(), "GET", "/tasks/" + id + "/events",
                    List.of("Last-Event-ID", ids.get(0)), null);
            assertThat(earlier.status()).as("what came after the id is still there").isEqualTo(200);
            assertThat(earlier.text()).contains("\"status\":\"Completed\"");

            RawHttp.Answer json = RawHttp.send(server.port(), "GET", "/tasks/" + id + "/events",
                    List.of("Accept", "application/json"), null);
            assertThat(json.status()).isEqualTo(406);
            assertThat(json.text()).contains("text/event-stream").doesNotContain("Exception");

            assertThat(firstBytesOf(server.port(), "/events", List.of())).as("curl -N /events, no Accept header")
                    .contains("200", "text/event-stream", "retry: ");
            assertThat(firstBytesOf(server.port(), "/events", List.of("Accept", "*/*"))).contains("200", "retry: ");
        }
    }

    @Test
    void a_last_event_id_of_all_tasks_from_before_a_restart_resumes_with_the_events_after_it() throws Exception {
        long lastBefore;
        try (ServerProcess server = start()) {
            Api api = server.api();
            try (SseReader all = new SseReader(api.base() + "/events", null)) {
                String id = api.createServers("", "ok-r1");
                await().atMost(SseReader.patience()).until(() -> all.named("task").stream()
                        .anyMatch(e -> e.data().path("id").asText().equals(id)
                                && e.data().path("status").asText().equals("Completed")));
                lastBefore = all.events.stream().mapToLong(e -> Long.parseLong(e.id())).max().orElseThrow();
            }
        }
        try (ServerProcess server = start(); SseReader resumed = new SseReader(server.api().base() + "/events",
                Long.toString(lastBefore))) {
            Api api = server.api();
            String id = api.createServers("", "ok-r2");
            await().atMost(SseReader.patience()).until(() -> resumed.named("task").stream()
                    .anyMatch(e -> e.data().path("id").asText().equals(id)
                            && e.data().path("status").asText().equals("Completed")));
            assertThat(resumed.named("task")).extracting(e -> e.data().path("id").asText()).containsOnly(id);
            assertThat(resumed.events).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isGreaterThan(lastBefore));
            assertThat(resumed.named("task")).extracting(e -> e.data().path("status").asText())
                    .containsSubsequence("Pending", "Running", "Completed");
        }
    }

    @Test
    void a_reader_that_left_early_resumes_after_a_restart_with_the_events_it_missed_before_the_restart()
            throws Exception {
        long firstSeen;
        String early;
        try (ServerProcess server = start()) {
            Api api = server.api();
            try (SseReader all = new SseReader(api.base() + "/events", null)) {
                early = api.createServers("", "ok-e1");
                await().atMost(SseReader.patience()).until(() -> !all.named("task").isEmpty());
                firstSeen = Long.parseLong(all.named("task").get(0).id()); // it leaves after the first event
            }
            await().atMost(SseReader.patience()).until(() -> api.get("/tasks/" + early).data().path("status").asText().equals("Completed"));
        }
        try (ServerProcess server = start(); SseReader resumed = new SseReader(server.api().base() + "/events",
                Long.toString(firstSeen))) {
            Api api = server.api();
            String later = api.createServers("", "ok-e2");
            await().atMost(SseReader.patience()).until(() -> resumed.named("task").stream()
                    .anyMatch(e -> e.data().path("id").asText().equals(later)
                            && e.data().path("status").asText().equals("Completed")));
            assertThat(resumed.named("task")).as("the events of the first run after its id, from disk, then the new ones")
                    .filteredOn(e -> e.data().path("id").asText().equals(early))
                    .extracting(e -> e.data().path("status").asText()).containsSubsequence("Running", "Completed");
            assertThat(resumed.named("gap")).isEmpty();
            List<Long> ids = resumed.events.stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates().allSatisfy(i -> assertThat(i).isGreaterThan(firstSeen));
        }
    }

    @Test
    void progress_lines_are_coalesced_into_small_events_and_the_last_one_is_kept() throws Exception {
        try (ServerProcess server = start()) {
            Api api = server.api();
            String id = api.createServers("", "chatty3000-c1");
            await().atMost(SseReader.patience()).until(() -> api.status(id).equals("Completed"));
            JsonNode task = api.task(id);
            assertThat(task.path("progress").path("message").asText()).isEqualTo("all done");
            try (SseReader replay = new SseReader(api.base() + "/tasks/" + id + "/events", null)) {
                await().atMost(SseReader.patience()).until(replay::ended);
                assertThat(replay.named("log")).hasSize(3_000 + 3);
                List<SseReader.Event> progress = replay.named("progress");
                assertThat(progress).as("3,002 progress lines, a few written a second").isNotEmpty().hasSizeLessThan(300);
                assertThat(progress.get(0).data().has("output")).as("not the whole task").isFalse();
                assertThat(progress.get(0).data().path("progress").has("percent")).isTrue();
                assertThat(replay.named("task")).extracting(e -> e.data().path("status").asText())
                        .containsExactly("Pending", "Running", "Completed");
            }
        }
    }

    @Test
    void logs_can_be_tailed_and_paged_and_a_very_long_line_is_cut_with_a_marker() throws Exception {
        try (ServerProcess server = start()) {
            Api api = server.api();
            String chatty = api.createServers("", "chatty500-l1");
            String wide = api.createServers("", "wide300000-l2");
            await().atMost(SseReader.patience()).until(() -> api.status(chatty).equals("Completed")
                    && api.status(wide).equals("Completed"));

            List<JsonNode> tail = lines(api.get("/tasks/" + chatty + "/logs?tail=3"));
            assertThat(tail).extracting(l -> l.path("line").asText()).containsExactly("log line 499", "log line 500",
                    "created chatty500-l1");

            List<JsonNode> first = lines(api.get("/tasks/" + chatty + "/logs?after=0&limit=4"));
            assertThat(first).hasSize(4);
            long after = first.get(3).path("id").asLong();
            List<JsonNode> page = lines(api.get("/tasks/" + chatty + "/logs?after=" + after + "&limit=2"));
            assertThat(page).hasSize(2);
            assertThat(first.get(3).path("line").asText()).isEqualTo("log line 2");
            assertThat(page).extracting(l -> l.path("line").asText()).containsExactly("log line 3", "log line 4");
            assertThat(page.get(0).path("id").asLong()).isGreaterThan(after);
            assertThat(lines(api.get("/tasks/" + chatty + "/logs"))).as("no parameters: every line").hasSize(500 + 3);

            Api.Reply bad = api.get("/tasks/" + chatty + "/logs?tail=lots");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.error()).contains("tail");

            String longLine = lines(api.get("/tasks/" + wide + "/logs")).stream().map(l -> l.path("line").asText())
                    .filter(l -> l.startsWith("xxx")).findFirst().orElseThrow();
            assertThat(longLine).startsWith("x".repeat(65_536) + " [line cut: ").endsWith("]")
                    .contains((300_000 - 65_536) + " more characters");
        }
    }

    private static List<JsonNode> lines(Api.Reply reply) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (JsonNode attempt : reply.data()) {
            attempt.path("lines").forEach(lines::add);
        }
        return lines;
    }

    /** The start of an endless answer: its status line, headers and first bytes of body. */
    private static String firstBytesOf(int port, String path, List<String> headers) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (int i = 0; i + 1 < headers.size(); i += 2) {
                request.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!answer.toString().contains("retry: ") && System.nanoTime() < deadline) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return answer.toString();
        }
    }
}
