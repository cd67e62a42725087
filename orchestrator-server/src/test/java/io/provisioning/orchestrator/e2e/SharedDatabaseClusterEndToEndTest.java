package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.StorageTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three orchestrator processes on one SurrealDB (the real engine, through the engine host), 1,000
 * tasks, one node killed with SIGKILL mid-run: every task ends Completed, none is lost, none runs
 * on two nodes at once, and changes made on one node show up live on the others.
 */
class SharedDatabaseClusterEndToEndTest {
    private static final int TASKS = 1000;
    @TempDir Path root;

    @Test
    void three_nodes_share_the_work_and_take_over_the_tasks_of_a_node_killed_mid_run() throws Exception {
        Assumptions.assumeTrue(StorageTypes.builtIn().contains("surrealdb-server"), "built without -Psurrealdb");
        try (EngineHostProcess db = EngineHostProcess.start(Files.createDirectories(root.resolve("db")))) {
            threeNodesKillOne(root, db.flags("--workers", "4", "--surrealdb-lease-seconds", "3"));
        }
    }

    /**
     * The scenario on any shared backend: three nodes started with {@code dbFlags}, 1,000 tasks,
     * node 1 killed while it runs one; every task Completed once, no attempt on two nodes at once,
     * live events of every node on node 0.
     */
    static void threeNodesKillOne(Path root, String... dbFlags) throws Exception {
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path script = Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/cluster.sh");
        List<ServerProcess> nodes = new ArrayList<>();
        List<Path> dataDirs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path dataDir = root.resolve("node-" + i);
                dataDirs.add(dataDir);
                nodes.add(ServerProcess.startWith(dataDir, workspace, script, "sh", dbFlags));
            }
            Api first = nodes.get(0).api();
            try (SseReader everyEvent = new SseReader("http://127.0.0.1:" + nodes.get(0).port() + "/events", null)) {
                long t0 = System.nanoTime();
                List<String> ids = submitRoundRobin(nodes, TASKS);
                System.out.printf("cluster test: %d tasks submitted in %.1f s%n", TASKS, (System.nanoTime() - t0) / 1e9);
                await().atMost(Duration.ofSeconds(120)).until(() -> completed(first) >= TASKS / 4);
                ServerProcess victim = nodes.get(1);
                // killed while it runs something, so that there is work of its own for the others to take over
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> runsInProgress(dataDirs.get(1)) > 0);
                victim.kill9();

                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> completed(first) == TASKS);
                System.out.printf("cluster test: all completed %.1f s after the first submission%n", (System.nanoTime() - t0) / 1e9);

                // none lost, none doubled: every submitted id is there once, Completed
                JsonNode all = first.get("/tasks?limit=1000").data();
                assertThat(all.size()).isEqualTo(TASKS);
                Set<String> seen = new HashSet<>();
                all.forEach(t -> {
                    assertThat(t.path("status").asText()).isEqualTo("Completed");
                    seen.add(t.path("id").asText());
                });
                assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);

                // none ran on two nodes at once; each attempt was claimed by one node only
                Map<String, List<Run>> runs = runsByTask(dataDirs);
                int takenOver = 0;
                for (String id : ids) {
                    List<Run> ofTask = runs.getOrDefault(id, List.of());
                    assertThat(ofTask).as("runs of " + id).isNotEmpty();
                    assertThat(ofTask.stream().map(Run::attempt).distinct().count()).as("attempts of " + id)
                            .isEqualTo(ofTask.size());
                    for (Run a : ofTask) {
                        for (Run b : ofTask) {
                            if (a != b && a.node() != b.node()) {
                                assertThat(a.end() <= b.start() || b.end() <= a.start())
                                        .as(id + " ran on node " + a.node() + " and node " + b.node() + " at once: " + ofTask
                                                + "\n" + nodeLogs(nodes, id)).isTrue();
                            }
                        }
                    }
                    if (ofTask.stream().anyMatch(r -> r.node() == 1) && ofTask.stream().anyMatch(r -> r.node() != 1)) {
                        takenOver++;
                    }
                }
                assertThat(takenOver).as("tasks of the killed node that others finished").isGreaterThan(0);
                assertThat(runs.values().stream().flatMap(List::stream).map(Run::node).distinct()).contains(0, 1, 2);
                JsonNode historyOfOne = all.findParents("history").stream()
                        .filter(t -> t.path("attempts").asInt() > 1).findFirst().map(t -> t.path("history")).orElse(null);
                assertThat(historyOfOne).as("a task that was interrupted").isNotNull();
                assertThat(historyOfOne.toString()).contains("interrupted");

                // a change made on another node showed up live on node 0
                Set<String> ranElsewhere = new HashSet<>();
                runs.forEach((id, list) -> {
                    if (list.stream().noneMatch(r -> r.node() == 0)) {
                        ranElsewhere.add(id);
                    }
                });
                assertThat(everyEvent.named("task").stream()
                        .filter(e -> ranElsewhere.contains(e.data().path("id").asText()))
                        .filter(e -> e.data().path("status").asText().equals("Completed")).count())
                        .as("Completed events seen live on node 0 for tasks other nodes ran").isGreaterThan(100);
            }
        } finally {
            for (ServerProcess node : nodes) {
                node.close();
            }
        }
    }

    /** What the nodes logged about one task, and their warnings, for a failure's message. */
    private static String nodeLogs(List<ServerProcess> nodes, String id) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            int node = i;
            nodes.get(i).log().stream().filter(l -> !l.contains("|-"))
                    .filter(l -> l.contains(id) || l.contains("WARN") || l.contains("ERROR") || l.contains("Exception"))
                    .limit(60).forEach(l -> out.append("node ").append(node).append(": ").append(l).append('\n'));
        }
        return out.toString();
    }

    /** Submits in batches of 100 (POST /workflows/batch), spread over the nodes. */
    private static List<String> submitRoundRobin(List<ServerProcess> nodes, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int first = 0; first < count; first += 100) {
                Api api = nodes.get((first / 100) % nodes.size()).api();
                StringBuilder body = new StringBuilder("{\"tasks\":[");
                for (int i = first; i < Math.min(first + 100, count); i++) {
                    body.append(i == first ? "" : ",").append(String.format("{\"ref\":\"t%04d\",\"workflow\":\"servers\","
                            + "\"infra\":\"production\",\"settings\":\"./settings.yaml\",\"servers\":[\"t-%04d\"],"
                            + "\"max_attempts\":5}", i, i));
                }
                String json = body.append("]}").toString();
                futures.add(pool.submit(() -> {
                    Api.Reply reply = api.post("/workflows/batch", json);
                    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
                    List<String> ids = new ArrayList<>();
                    reply.data().forEach(id -> ids.add(id.asText()));
                    return ids;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                ids.addAll(f.get());
            }
            assertThat(ids).hasSize(count);
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    private static long completed(Api api) throws Exception {
        Api.Reply reply = api.get("/tasks?status=Completed&limit=1");
        return Long.parseLong(reply.headers().get("x-total-count").get(0));
    }

    /** Attempts whose script started on this node and has not written its end yet. */
    private static long runsInProgress(Path dataDir) throws Exception {
        Path dir = dataDir.resolve("state/runs");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".start"))
                    .filter(f -> !Files.exists(Path.of(f.toString().replaceFirst("\\.start$", ".end"))))
                    .count();
        }
    }

    record Run(int node, int attempt, long start, long end) {}

    /** Every attempt's start and end as the script recorded them on each node. An attempt without an end (its node was killed) counts as lasting a second. */
    private static Map<String, List<Run>> runsByTask(List<Path> dataDirs) throws Exception {
        Map<String, List<Run>> runs = new HashMap<>();
        for (int node = 0; node < dataDirs.size(); node++) {
            Path dir = dataDirs.get(node).resolve("state/runs");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path start : files.filter(f -> f.toString().endsWith(".start")).toList()) {
                    String name = start.getFileName().toString();
                    String[] parts = name.substring(0, name.length() - ".start".length()).split("\\.");
                    long begin = Long.parseLong(Files.readString(start).trim());
                    Path endFile = start.resolveSibling(parts[0] + "." + parts[1] + ".end");
                    long end = Files.exists(endFile) ? Long.parseLong(Files.readString(endFile).trim()) : begin + 1000;
                    runs.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(new Run(node, Integer.parseInt(parts[1]), begin, end));
                }
            }
        }
        return runs;
    }
}
