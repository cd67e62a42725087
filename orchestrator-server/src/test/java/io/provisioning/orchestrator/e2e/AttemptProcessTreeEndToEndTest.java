package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attempt's process tree never outlives its attempt: the real server JVM is SIGKILLed (the JVM
 * alone, as the OOM killer does, not its process group) while a silent nu script (a child
 * {@code sleep}, no output) runs; after the restart the next attempt runs, and at no moment were two
 * attempts' trees alive (watched in /proc). Scripts can say a retry cannot help, and a task that
 * cannot start fails without using an attempt.
 */
class AttemptProcessTreeEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @BeforeEach
    void settings() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
    }

    @Test
    void a_sigkilled_server_never_lets_the_next_attempt_run_beside_the_interrupted_one() throws Exception {
        ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2");
        try {
            String id = server.api().createServers(",\"max_attempts\":3", "silent60000-a");
            JsonNode running;
            try (AttemptTrees trees = AttemptTrees.watch(id)) {
                running = awaitScriptRunning(server.api(), id, trees);
                server.kill9(); // the JVM alone: its children are not signalled
                // the tree dies with its orchestrator (its watchdog: TERM, then KILL after the 5 s grace)
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> AttemptTrees.aliveNow(id).isEmpty());

                server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2");
                Api api = server.api();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> api.status(id).equals("Completed"));
                assertThat(trees.overlap()).as("attempts whose trees were alive at the same moment").isNull();
            }
            assertInterruptedFirstAttempt(server.api(), id, running);
        } finally {
            server.close();
        }
    }

    @Test
    void after_a_crash_that_also_took_the_watchdog_the_restart_ends_the_leftover_tree_before_the_next_attempt()
            throws Exception {
        ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2");
        try {
            String id = server.api().createServers(",\"max_attempts\":3", "silent60000-b");
            JsonNode running;
            try (AttemptTrees trees = AttemptTrees.watch(id)) {
                running = awaitScriptRunning(server.api(), id, trees);
                long watchdog = running.path("process").path("pid").asLong();
                assertThat(watchdog).as("the watchdog's pid, stored with the claim").isPositive();
                // the watchdog is stopped first, so that neither it nor the JVM can end the tree: only the restart can
                Signals.stop(watchdog);
                server.kill9();
                ProcessHandle.of(watchdog).ifPresent(ProcessHandle::destroyForcibly);
                Thread.sleep(500);
                assertThat(AttemptTrees.aliveNow(id)).as("the orphaned script still runs").containsExactly(1);

                server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "2");
                Api api = server.api();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> api.status(id).equals("Completed"));
                assertThat(trees.overlap()).as("attempts whose trees were alive at the same moment").isNull();
            }
            JsonNode first = assertInterruptedFirstAttempt(server.api(), id, running);
            assertThat(first.path("error").asText()).contains("was still running and was ended");
        } finally {
            server.close();
        }
    }

    @Test
    void an_exit_code_that_says_the_settings_are_bad_fails_the_task_at_once_without_a_retry() throws Exception {
        try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript())) {
            Api api = server.api();
            String id = api.createServers(",\"max_attempts\":3", "badsettings-c");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("Failed"));
            Thread.sleep(500); // a retry would have started by now (retry base delay 50 ms)
            JsonNode task = api.task(id);
            assertThat(task.path("status").asText()).isEqualTo("Failed");
            assertThat(task.path("attempts").asInt()).isEqualTo(1);
            assertThat(task.path("exit_code").asInt()).isEqualTo(78);
            assertThat(task.path("error").asText()).contains("not retried").contains("bad configuration")
                    .contains("provider that does not exist");
            assertThat(task.path("history")).hasSize(1);
        }
    }

    @Test
    void a_task_whose_interpreter_is_missing_fails_before_it_runs_without_using_an_attempt() throws Exception {
        try (ServerProcess server = ServerProcess.startWith(dataDir, workspace, Components.fixtureScript(),
                workspace.resolve("no-such-nu").toString())) {
            Api api = server.api();
            String id = api.createServers(",\"max_attempts\":3", "ok-d");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("Failed"));
            JsonNode task = api.task(id);
            assertThat(task.path("attempts").asInt()).isZero();
            assertThat(task.path("history")).isEmpty();
            assertThat(task.path("error").asText()).contains("not started").contains("no-such-nu");
        }
    }

    /** Waits until attempt 1's script itself runs (not only its held watchdog) and returns the task then. */
    private JsonNode awaitScriptRunning(Api api, String id, AttemptTrees trees) throws Exception {
        Path pidFile = dataDir.resolve("state/runs/" + id + ".1.pid");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile) && trees.alive().contains(1));
        JsonNode running = api.task(id);
        assertThat(running.path("status").asText()).isEqualTo("Running");
        return running;
    }

    /** The first attempt is in the history, marked interrupted, with its tree and its log. */
    private static JsonNode assertInterruptedFirstAttempt(Api api, String id, JsonNode running) throws Exception {
        JsonNode process = running.path("process");
        assertThat(running.path("status").asText()).isEqualTo("Running");
        assertThat(process.path("pgid").asLong()).as("a process group of its own").isEqualTo(process.path("pid").asLong());
        assertThat(process.path("start_ticks").asLong()).isPositive();
        assertThat(process.path("node").asText()).isNotBlank();
        JsonNode task = api.task(id);
        assertThat(task.path("attempts").asInt()).isEqualTo(2);
        JsonNode first = task.path("history").get(0);
        assertThat(first.path("attempt").asInt()).isEqualTo(1);
        assertThat(first.path("interrupted").asBoolean()).isTrue();
        assertThat(first.path("process").path("pid").asLong()).isEqualTo(process.path("pid").asLong());
        assertThat(task.path("history").get(1).path("outcome").asText()).isEqualTo("Completed");
        assertThat(task.has("process")).as("a finished task has no running tree").isFalse();
        JsonNode logs = api.get("/tasks/" + id + "/logs").data();
        assertThat(logs.get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(logs.get(0).path("lines").toString()).contains("fixture words");
        return first;
    }
}
