package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, timeouts, parallelism and priorities, with real nu processes behind a real server. */
class TaskExecutionEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    private ServerProcess start(String... args) throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        return ServerProcess.start(dataDir, workspace, Components.fixtureScript(), args);
    }

    @Test
    void a_failing_script_is_retried_with_backoff_and_then_marked_failed() throws Exception {
        try (ServerProcess server = start()) {
            Api api = server.api();
            String id = api.createServers(",\"max_attempts\":3", "fail-1");
            await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("Failed"));
            JsonNode task = api.task(id);
            assertThat(task.path("attempts").asInt()).isEqualTo(3);
            assertThat(task.path("exit_code").asInt()).isEqualTo(3);
            assertThat(task.path("error").asText()).contains("exit code 3", "quota exceeded");
            JsonNode logs = api.get("/tasks/" + id + "/logs").data();
            assertThat(logs).hasSize(3);
            for (JsonNode attempt : logs) {
                assertThat(attempt.path("lines").toString()).contains("quota exceeded");
            }
            assertThat(task.path("history")).hasSize(3);
            assertThat(task.path("history").get(0).path("exit_code").asInt()).isEqualTo(3);
        }
    }

    @Test
    void a_flaky_script_succeeds_on_its_second_attempt_with_the_attempt_in_its_environment() throws Exception {
        try (ServerProcess server = start()) {
            Api api = server.api();
            String id = api.createServers("", "flaky-1");
            await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("Completed"));
            JsonNode task = api.task(id);
            assertThat(task.path("attempts").asInt()).isEqualTo(2);
            assertThat(task.path("output").asText()).contains("task=" + id, "attempt=2",
                    "url=http://127.0.0.1:" + server.port());
            assertThat(task.path("progress").path("message").asText()).isEqualTo("all done");
        }
    }

    @Test
    void a_timeout_kills_the_whole_process_tree() throws Exception {
        try (ServerProcess server = start()) {
            Api api = server.api();
            String id = api.createServers(",\"timeout_seconds\":6,\"max_attempts\":1", "hang-1");
            // nu and its child sleep: a tree of two, alive until the timeout
            await().atMost(Duration.ofSeconds(30)).until(() -> processesOfTask(id).size() >= 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("Failed"));
            assertThat(api.task(id).path("error").asText()).contains("timed out after 6s");
            await().atMost(Duration.ofSeconds(10)).until(() -> processesOfTask(id).isEmpty());
        }
    }

    @Test
    void runs_as_many_tasks_at_once_as_there_are_workers_and_no_more() throws Exception {
        try (ServerProcess server = start("--workers", "3")) {
            Api api = server.api();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(api.createServers("", "sleep1500-" + i));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> allCompleted(api, ids));
            List<long[]> intervals = new ArrayList<>();
            for (String id : ids) {
                intervals.add(new long[] {stamp(id, "1.start"), stamp(id, "1.end")});
            }
            assertThat(maxOverlap(intervals)).isEqualTo(3);
        }
    }

    @Test
    void under_load_higher_priority_tasks_start_first_and_equal_ones_in_submission_order() throws Exception {
        try (ServerProcess server = start("--workers", "1")) {
            Api api = server.api();
            String blocker = api.createServers(",\"priority\":100", "sleep2500-blocker");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(blocker).equals("Running"));
            Random random = new Random(42);
            List<String> ids = new ArrayList<>();
            List<Integer> priorities = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int priority = List.of(10, 50, 90).get(random.nextInt(3));
                priorities.add(priority);
                ids.add(api.createServers(",\"priority\":" + priority, "ok-" + i));
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> allCompleted(api, ids));
            List<Integer> byStart = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                byStart.add(i);
            }
            byStart.sort(Comparator.comparingLong(i -> {
                try {
                    return stamp(ids.get(i), "1.start");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
            List<Integer> expected = new ArrayList<>(byStart);
            expected.sort(Comparator.comparingInt((Integer i) -> -priorities.get(i)).thenComparingInt(i -> i));
            assertThat(byStart).isEqualTo(expected);
        }
    }

    private boolean allCompleted(Api api, List<String> ids) throws Exception {
        for (String id : ids) {
            if (!api.status(id).equals("Completed")) {
                return false;
            }
        }
        return true;
    }

    private long stamp(String taskId, String suffix) throws IOException {
        return Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + taskId + "." + suffix)).trim());
    }

    private static int maxOverlap(List<long[]> intervals) {
        int best = 0;
        for (long[] a : intervals) {
            int at = 0;
            for (long[] b : intervals) {
                if (b[0] <= a[0] && a[0] < b[1]) {
                    at++;
                }
            }
            best = Math.max(best, at);
        }
        return best;
    }

    /** Live processes whose environment names this task: the script and everything it started. */
    static List<Long> processesOfTask(String taskId) throws IOException {
        byte[] marker = ("PROVISIONING_TASK_ID=" + taskId).getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    byte[] env = Files.readAllBytes(proc.resolve("environ"));
                    if (indexOf(env, marker) >= 0) {
                        String stat = Files.readString(proc.resolve("stat"));
                        if (!stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                            pids.add(Long.parseLong(proc.getFileName().toString()));
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked, or is not ours to read
                }
            }
        }
        return pids;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
