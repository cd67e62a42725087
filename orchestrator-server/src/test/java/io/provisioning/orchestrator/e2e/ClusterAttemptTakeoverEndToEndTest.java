package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.StorageTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three orchestrator nodes on one SurrealDB database (the real engine, through the engine host);
 * the node running a silent nu script is SIGKILLed (its JVM alone). Another node takes the task
 * over once the lease lapsed, and at no moment were two attempts' trees alive (watched in /proc).
 */
class ClusterAttemptTakeoverEndToEndTest {
    @TempDir Path root;

    @Test
    void the_node_that_takes_over_a_killed_nodes_task_never_runs_it_beside_the_interrupted_attempt() throws Exception {
        Assumptions.assumeTrue(StorageTypes.builtIn().contains("surrealdb-server"), "built without -Psurrealdb");
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        List<ServerProcess> nodes = new ArrayList<>();
        try (EngineHostProcess db = EngineHostProcess.start(Files.createDirectories(root.resolve("db")))) {
            for (int i = 0; i < 3; i++) {
                nodes.add(ServerProcess.start(root.resolve("node-" + i), workspace, Components.fixtureScript(),
                        db.flags("--workers", "2", "--surrealdb-lease-seconds", "3")));
            }
            Api first = nodes.get(0).api();
            String id = first.createServers(",\"max_attempts\":3", "silent15000-e");
            JsonNode running;
            Api survivor;
            int[] victimIndex = new int[1];
            try (AttemptTrees trees = AttemptTrees.watch(id)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> trees.alive().contains(1)
                        && first.task(id).path("status").asText().equals("Running") && scriptStarted(id, 1));
                running = first.task(id);
                victimIndex[0] = nodeRunning(id);
                ServerProcess victim = nodes.get(victimIndex[0]);
                survivor = nodes.stream().filter(n -> n != victim).findFirst().orElseThrow().api();
                victim.kill9(); // the JVM alone, as the OOM killer does

                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                        .until(() -> survivor.status(id).equals("Completed"));
                assertThat(trees.overlap()).as("attempts whose trees were alive at the same moment").isNull();
            }
            JsonNode task = survivor.task(id);
            assertThat(task.path("attempts").asInt()).isEqualTo(2);
            JsonNode interrupted = task.path("history").get(0);
            assertThat(interrupted.path("interrupted").asBoolean()).isTrue();
            assertThat(running.path("process").path("node").asText()).as("the tree's node, stored with the claim")
                    .endsWith(":" + nodes.get(victimIndex[0]).pid());
            assertThat(interrupted.path("process").path("node").asText()).isEqualTo(running.path("process").path("node").asText());
            assertThat(interrupted.path("error").asText()).contains("lease");
            assertThat(task.path("history").get(1).path("process").path("node").asText())
                    .as("the node that finished it").isNotEqualTo(running.path("process").path("node").asText());
            // the interrupted attempt's log lines are kept by the node that ran it, in its own events.log
            // (lines still in that JVM's buffer when it was SIGKILLed are lost with it)
            Path victimLog = root.resolve("node-" + victimIndex[0]).resolve("logs").resolve(id).resolve("events.log");
            assertThat(Files.readString(victimLog)).contains("\"attempts\":1");
        } finally {
            for (ServerProcess node : nodes) {
                node.close();
            }
        }
    }

    private boolean scriptStarted(String id, int attempt) {
        for (int i = 0; i < 3; i++) {
            if (Files.exists(root.resolve("node-" + i).resolve("state/runs/" + id + "." + attempt + ".pid"))) {
                return true;
            }
        }
        return false;
    }

    /** The node whose script runs attempt 1: the fixture leaves its pid file in that node's state directory. */
    private int nodeRunning(String id) {
        for (int i = 0; i < 3; i++) {
            if (Files.exists(root.resolve("node-" + i).resolve("state/runs/" + id + ".1.pid"))) {
                return i;
            }
        }
        throw new AssertionError("no node runs attempt 1 of " + id);
    }
}
