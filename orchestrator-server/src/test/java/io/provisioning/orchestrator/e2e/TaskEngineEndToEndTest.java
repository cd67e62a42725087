package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancel, retry, DAGs, idempotency, concurrency limits, live events: one real server, real nu. */
class TaskEngineEndToEndTest {
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "4",
                "--limit-infra", "staging=1", "--limit-workflow", "taskserv.create=1");
        api = server.api();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals(status));
    }

    private static boolean started(String id) {
        return Files.exists(dataDir.resolve("state/runs/" + id + ".1.start"));
    }

    @Test
    void cancelling_a_running_task_ends_its_process_tree_and_a_finished_one_answers_409() throws Exception {
        String id = api.createServers(",\"max_attempts\":1", "hang-cancel");
        await().atMost(Duration.ofSeconds(30)).until(() -> TaskExecutionEndToEndTest.processesOfTask(id).size() >= 2);
        Api.Reply reply = api.post("/tasks/" + id + "/cancel", "");
        assertThat(reply.status()).isEqualTo(200);
        awaitStatus(id, "Cancelled");
        await().atMost(Duration.ofSeconds(10)).until(() -> TaskExecutionEndToEndTest.processesOfTask(id).isEmpty());
        assertThat(api.post("/tasks/" + id + "/cancel", "").status()).as("a repeated cancel is harmless").isEqualTo(200);

        String done = api.createServers("", "ok-cancel-done");
        awaitStatus(done, "Completed");
        Api.Reply conflict = api.post("/tasks/" + done + "/cancel", "");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.error()).contains("Completed");
        assertThat(api.post("/tasks/00000000-0000-0000-0000-000000000000/cancel", "").status()).isEqualTo(404);
    }

    @Test
    void cancelling_a_pending_task_means_it_never_runs() throws Exception {
        String blocker = api.createServers(",\"max_attempts\":1", "hang-blocker");
        String waiting = api.createServers(",\"depends_on\":[\"" + blocker + "\"]", "ok-never");
        awaitStatus(blocker, "Running");
        assertThat(api.post("/tasks/" + waiting + "/cancel", "").data().path("status").asText()).isEqualTo("Cancelled");
        api.post("/tasks/" + blocker + "/cancel", "");
        awaitStatus(blocker, "Cancelled");
        Thread.sleep(500);
        assertThat(started(waiting)).isFalse();
        assertThat(api.status(waiting)).isEqualTo("Cancelled");

        // a Cancelled task can be retried too: a new attempt, the cancelled one kept in its history
        Api.Reply retried = api.post("/tasks/" + blocker + "/retry", "");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.data().path("status").asText()).isEqualTo("Pending");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.status(blocker).equals("Running")
                && api.task(blocker).path("attempts").asInt() == 2);
        assertThat(api.task(blocker).path("history").toString()).contains("Cancelled");
        api.post("/tasks/" + blocker + "/cancel", "");
        awaitStatus(blocker, "Cancelled");
    }

    @Test
    void retrying_a_failed_task_runs_it_again_and_keeps_the_earlier_attempts() throws Exception {
        String id = api.createServers(",\"max_attempts\":1", "fail-retry");
        awaitStatus(id, "Failed");
        Api.Reply retried = api.post("/tasks/" + id + "/retry", "");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.data().path("status").asText()).isEqualTo("Pending");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.task(id).path("attempts").asInt() == 2
                && api.status(id).equals("Failed"));
        JsonNode task = api.task(id);
        assertThat(task.path("history")).hasSize(2);
        assertThat(api.get("/tasks/" + id + "/logs").data()).hasSize(2);
        try (SseReader stream = new SseReader(api.base() + "/tasks/" + id + "/events", null)) {
            await().atMost(SseReader.patience()).until(stream::ended);
            assertThat(stream.named("task").stream().filter(e -> e.data().path("status").asText().equals("Failed")))
                    .as("the replay goes past the first attempt's end").hasSize(2);
        }
        String running = api.createServers("", "sleep3000-retry-conflict");
        awaitStatus(running, "Running");
        assertThat(api.post("/tasks/" + running + "/retry", "").status()).isEqualTo(409);
    }

    @Test
    void a_dependent_waits_for_its_dependency_and_fails_with_a_reason_when_it_fails() throws Exception {
        String first = api.createServers("", "sleep800-dep-a");
        String second = api.createServers(",\"depends_on\":[\"" + first + "\"]", "ok-dep-b");
        awaitStatus(second, "Completed");
        long firstEnd = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + first + ".1.end")).trim());
        long secondStart = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + second + ".1.start")).trim());
        assertThat(secondStart).isGreaterThanOrEqualTo(firstEnd);

        String bad = api.createServers(",\"max_attempts\":1", "fail-dep");
        String dependent = api.createServers(",\"depends_on\":[\"" + bad + "\"]", "ok-dep-never");
        String tolerant = api.createServers(",\"depends_on\":[\"" + bad + "\"],\"continue_on_dependency_failure\":true",
                "ok-dep-anyway");
        awaitStatus(dependent, "Failed");
        assertThat(api.task(dependent).path("error").asText()).contains(bad, "failed");
        awaitStatus(tolerant, "Completed");
        assertThat(started(dependent)).isFalse();
    }

    @Test
    void a_batch_workflow_runs_as_a_dag_and_a_cycle_or_unknown_ref_answers_400() throws Exception {
        Api.Reply ok = api.post("/workflows/batch", """
                {"tasks": [
                  {"ref": "servers", "workflow": "servers", "infra": "production", "settings": "./settings.yaml", "servers": ["ok-b1"]},
                  {"ref": "pg", "workflow": "taskserv", "after": ["servers"], "infra": "production", "settings": "./settings.yaml", "taskserv": "postgres", "servers": ["ok-b2"]},
                  {"ref": "check", "workflow": "cluster", "after": ["pg", "servers"], "infra": "production", "settings": "./settings.yaml", "cluster_type": "postgres"}
                ]}""");
        assertThat(ok.status()).as("%s", ok.body()).isEqualTo(200);
        String check = ok.data().path("check").asText();
        assertThat(api.task(check).path("dependencies").toString())
                .contains(ok.data().path("pg").asText(), ok.data().path("servers").asText());
        awaitStatus(check, "Completed");

        Api.Reply cycle = api.post("/workflows/batch", """
                {"tasks": [
                  {"ref": "a", "workflow": "servers", "after": ["b"], "infra": "p", "settings": "./settings.yaml", "servers": ["x"]},
                  {"ref": "b", "workflow": "servers", "after": ["a"], "infra": "p", "settings": "./settings.yaml", "servers": ["y"]}
                ]}""");
        assertThat(cycle.status()).isEqualTo(400);
        assertThat(cycle.error()).contains("cycle");
        Api.Reply unknown = api.post("/workflows/batch", """
                {"tasks": [{"ref": "a", "workflow": "servers", "after": ["zzz"], "infra": "p", "settings": "./settings.yaml", "servers": ["x"]}]}""");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error()).contains("unknown 'zzz'");
    }

    @Test
    void an_idempotency_key_returns_the_first_task_and_a_different_body_answers_409() throws Exception {
        String body = "{\"infra\":\"production\",\"settings\":\"./settings.yaml\",\"servers\":[\"ok-idem\"]}";
        Api.Reply first = api.post("/workflows/servers/create", body, "Idempotency-Key", "deploy-77");
        Api.Reply again = api.post("/workflows/servers/create", body, "Idempotency-Key", "deploy-77");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().asText()).isEqualTo(first.data().asText());
        assertThat(again.headers().get("idempotent-replayed")).containsExactly("true");
        Api.Reply different = api.post("/workflows/servers/create",
                body.replace("ok-idem", "ok-other"), "Idempotency-Key", "deploy-77");
        assertThat(different.status()).isEqualTo(409);
    }

    @Test
    void two_operations_on_one_server_never_overlap_and_the_second_says_why_it_waits() throws Exception {
        String first = api.createServers("", "sleep1500-same");
        String second = api.createServers("", "sleep1500-same");
        String other = api.createServers("", "sleep1500-other");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(second).path("waiting_for").asText("")
                .contains("server:production/sleep1500-same"));
        assertThat(api.status(second)).isEqualTo("Pending");
        awaitStatus(second, "Completed");
        awaitStatus(other, "Completed");
        long firstEnd = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + first + ".1.end")).trim());
        long secondStart = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + second + ".1.start")).trim());
        long otherStart = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + other + ".1.start")).trim());
        assertThat(secondStart).isGreaterThanOrEqualTo(firstEnd);
        assertThat(otherStart).isLessThan(firstEnd);
    }

    @Test
    void a_configured_infra_limit_holds_other_servers_of_that_infra_in_the_queue() throws Exception {
        String body = "{\"infra\":\"staging\",\"settings\":\"./settings.yaml\",\"servers\":[\"%s\"],"
                + "\"check_mode\":false,\"wait\":false}";
        String first = api.post("/workflows/servers/create", body.formatted("sleep1500-stg-a")).data().asText();
        String second = api.post("/workflows/servers/create", body.formatted("sleep1500-stg-b")).data().asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(second).path("waiting_for").asText("")
                .contains("infra:staging"));
        assertThat(api.status(second)).isEqualTo("Pending");
        awaitStatus(first, "Completed");
        awaitStatus(second, "Completed");
        long firstEnd = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + first + ".1.end")).trim());
        long secondStart = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + second + ".1.start")).trim());
        assertThat(secondStart).as("different servers, one infra limited to 1").isGreaterThanOrEqualTo(firstEnd);
    }

    @Test
    void a_configured_workflow_type_limit_holds_the_second_taskserv_install_in_the_queue() throws Exception {
        String body = "{\"infra\":\"production\",\"settings\":\"./settings.yaml\",\"taskserv\":\"redis\","
                + "\"servers\":[\"%s\"],\"check_mode\":false,\"wait\":false}";
        String first = api.post("/workflows/taskserv/create", body.formatted("sleep1500-ts-a")).data().asText();
        String second = api.post("/workflows/taskserv/create", body.formatted("sleep1500-ts-b")).data().asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(second).path("waiting_for").asText("")
                .contains("workflow:taskserv.create"));
        assertThat(api.status(second)).isEqualTo("Pending");
        awaitStatus(first, "Completed");
        awaitStatus(second, "Completed");
        long firstEnd = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + first + ".1.end")).trim());
        long secondStart = Long.parseLong(Files.readString(dataDir.resolve("state/runs/" + second + ".1.start")).trim());
        assertThat(secondStart).as("different servers, one workflow type limited to 1").isGreaterThanOrEqualTo(firstEnd);
    }

    @Test
    void a_task_event_stream_replays_from_the_start_follows_live_and_ends_at_the_terminal_status() throws Exception {
        String id = api.createServers("", "sleep1000-sse");
        try (SseReader live = new SseReader(api.base() + "/tasks/" + id + "/events", null)) {
            await().atMost(SseReader.patience()).until(live::ended);
            List<String> statuses = new ArrayList<>();
            live.named("task").forEach(e -> statuses.add(e.data().path("status").asText()));
            assertThat(statuses).startsWith("Pending").contains("Running").endsWith("Completed");
            assertThat(live.named("log")).anyMatch(e -> e.data().path("line").asText().contains("created sleep1000-sse"));
            // progress comes as its own small event (issue 12), not as the whole task again
            assertThat(live.named("progress")).anyMatch(e -> e.data().path("progress").path("percent").asInt() == 50);
            List<Long> ids = live.events.stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();

            String resumeAfter = live.events.get(2).id();
            try (SseReader resumed = new SseReader(api.base() + "/tasks/" + id + "/events", resumeAfter)) {
                await().atMost(SseReader.patience()).until(resumed::ended);
                assertThat(resumed.events).extracting(SseReader.Event::id)
                        .isEqualTo(live.events.subList(3, live.events.size()).stream().map(SseReader.Event::id).toList());
            }
        }
    }

    @Test
    void the_all_tasks_stream_sees_every_new_task_live() throws Exception {
        try (SseReader all = new SseReader(api.base() + "/events", null)) {
            Thread.sleep(300);
            String a = api.createServers("", "ok-all-a");
            String b = api.createServers("", "ok-all-b");
            await().atMost(SseReader.patience()).until(() -> all.named("task").stream().filter(e ->
                    e.data().path("status").asText().equals("Completed")).map(e -> e.data().path("id").asText())
                    .toList().containsAll(List.of(a, b)));
        }
    }

    @Test
    void a_cluster_workflow_with_the_shipped_library_expands_into_a_visible_dag() throws Exception {
        Path repo = Components.repoRoot();
        Path data = Files.createTempDirectory("cluster-dag");
        try (ServerProcess shipped = ServerProcess.start(data, repo.resolve("workspace"), repo.resolve("provisioning/main.nu"))) {
            Api shippedApi = shipped.api();
            String cluster = shippedApi.post("/workflows/cluster/create", """
                    {"infra": "production", "settings": "./settings.yaml", "cluster_type": "kubernetes",
                     "check_mode": false, "wait": false}""").data().asText();
            await().atMost(Duration.ofSeconds(90)).until(() -> shippedApi.status(cluster).equals("Completed"));
            List<String> chain = new ArrayList<>();
            String current = cluster;
            while (current != null) {
                JsonNode task = shippedApi.task(current);
                chain.add(0, task.path("name").asText());
                assertThat(task.path("status").asText()).isEqualTo("Completed");
                current = task.path("dependencies").isEmpty() ? null : task.path("dependencies").get(0).asText();
            }
            assertThat(chain).hasSize(5);
            assertThat(chain.get(0)).startsWith("servers create");
            assertThat(chain.get(1)).startsWith("taskserv create containerd");
            assertThat(chain.get(2)).startsWith("taskserv create etcd");
            assertThat(chain.get(3)).startsWith("taskserv create kubernetes");
            assertThat(chain.get(4)).startsWith("cluster create kubernetes");
        }
    }
}
