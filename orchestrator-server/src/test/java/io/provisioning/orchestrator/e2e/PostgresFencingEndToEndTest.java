package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.postgresql.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-fencing, against a real PostgreSQL and two real server JVMs: the node running a silent nu
 * script (one that sleeps without printing) is cut off from the database by a relay between them
 * while it stays alive, and in a PID namespace of its own, so the other node can neither see nor
 * end its tree (as on another machine). The cut-off node ends its attempt's tree before its lease
 * can lapse and claims nothing; the other node takes the task over once the lease lapsed and runs
 * it to Completed; at no moment were two attempts' trees alive (watched in /proc). When the
 * partition heals, the fenced node's interrupted outcome is dropped: the task stays Completed once.
 */
class PostgresFencingEndToEndTest {
    @TempDir Path root;

    @Test
    void a_node_cut_off_from_the_database_ends_its_attempt_before_another_node_takes_the_task_over() throws Exception {
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        try (PostgresCluster db = PostgresCluster.start();
                CuttableProxy proxy = CuttableProxy.to(db.port())) {
            String database = db.createDatabase();
            List<String> common = List.of("--postgresql-lease-seconds", "4", "--workers", "1");
            List<String> cutFlags = db.serverFlags(database);
            cutFlags.set(cutFlags.indexOf("--postgresql-url") + 1,
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database);
            cutFlags.addAll(common);
            List<String> directFlags = db.serverFlags(database);
            directFlags.addAll(common);
            try (ServerProcess partitioned = ServerProcess.startInOwnPidNamespace(root.resolve("node-a"), workspace,
                    Components.fixtureScript(), Components.nu(), cutFlags.toArray(String[]::new))) {
                String id = partitioned.api().createServers(",\"max_attempts\":3", "silent60000-e");
                try (AttemptTrees trees = AttemptTrees.watch(id);
                        ServerProcess survivor = ServerProcess.startWith(root.resolve("node-b"), workspace,
                                Components.fixtureScript(), Components.nu(), directFlags.toArray(String[]::new))) {
                    StorageOutageEndToEndTest.showLogOnFailure(partitioned, () -> {
                        Api other = survivor.api();
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                                .until(() -> trees.alive().contains(1) && other.status(id).equals("Running")
                                        && Files.exists(root.resolve("node-a/state/runs/" + id + ".1.pid")));
                        JsonNode running = other.task(id);

                        proxy.cut();
                        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                                .until(() -> other.status(id).equals("Completed"));
                        assertThat(trees.overlap()).as("attempts whose trees were alive at the same moment").isNull();
                        assertThat(partitioned.log().stream().filter(l -> l.contains("fenced: no lease renewal"))
                                .count()).as("the partitioned node's WARN line").isEqualTo(1);

                        proxy.mend();
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                                partitioned.log().stream().anyMatch(l -> l.contains("its outcome is dropped")));
                        JsonNode task = other.task(id);
                        assertThat(task.path("status").asText()).isEqualTo("Completed");
                        assertThat(task.path("attempts").asInt()).isEqualTo(2);
                        assertThat(task.path("history")).hasSize(2);
                        JsonNode interrupted = task.path("history").get(0);
                        assertThat(interrupted.path("interrupted").asBoolean()).as(task.toString()).isTrue();
                        assertThat(interrupted.path("process").path("node").asText())
                                .isEqualTo(running.path("process").path("node").asText());
                        assertThat(task.path("history").get(1).path("process").path("node").asText())
                                .as("the node that finished it").isNotEqualTo(running.path("process").path("node").asText());
                        assertThat(Files.exists(root.resolve("node-b/state/runs/" + id + ".2.end"))).isTrue();
                        assertThat(Files.exists(root.resolve("node-a/state/runs/" + id + ".1.end")))
                                .as("the fenced attempt did not run to its end").isFalse();
                        assertThat(partitioned.api().get("/tasks?status=Failed&limit=1").headers()
                                .get("x-total-count").get(0)).isEqualTo("0");

                        // renewals succeed again: the fence is lifted and the healed node claims and runs work
                        survivor.close();
                        String after = partitioned.api().createServers("", "after-heal");
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                                .until(() -> partitioned.api().status(after).equals("Completed"));
                        assertThat(partitioned.api().task(after).path("history").get(0).path("process").path("node").asText())
                                .isEqualTo(running.path("process").path("node").asText());
                    });
                }
            }
        }
    }
}
