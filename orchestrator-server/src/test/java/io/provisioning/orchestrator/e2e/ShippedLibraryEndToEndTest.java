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

/** The shipped Nushell library and example workspace, through the real server, as a new user would run them. */
class ShippedLibraryEndToEndTest {
    @TempDir static Path dataDir;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        Path repo = Components.repoRoot();
        server = ServerProcess.start(dataDir, repo.resolve("workspace"), repo.resolve("provisioning/main.nu"));
        api = server.api();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void the_original_example_request_completes_with_the_scripts_output() throws Exception {
        Api.Reply reply = api.post("/workflows/servers/create", """
                {"infra": "production", "settings": "./settings.yaml",
                 "servers": ["web-01", "web-02"], "check_mode": false, "wait": true}""");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.success()).isTrue();
        assertThat(reply.error()).isNull();
        String id = reply.data().asText();
        assertThat(id).matches("[0-9a-f-]{36}");

        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("Completed"));
        JsonNode task = api.task(id);
        assertThat(task.path("command").asText()).isEqualTo(Components.nu());
        List<String> args = new ArrayList<>();
        task.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsExactly(Components.repoRoot().resolve("provisioning/main.nu").toString(),
                "servers", "create", "--infra", "production", "--settings", "./settings.yaml", "--wait", "web-01", "web-02");
        assertThat(task.path("output").asText()).contains("web-01", "web-02");
        assertThat(task.path("exit_code").asInt()).isZero();
        assertThat(task.path("progress").path("percent").asInt()).isEqualTo(100);
        assertThat(task.path("attempts").asInt()).isEqualTo(1);
        assertThat(task.path("started_at").asText()).isNotEmpty();
        assertThat(task.path("completed_at").asText()).endsWith("Z");
        assertThat(dataDir.resolve("state/production/servers/web-01.json")).exists();
        assertThat(dataDir.resolve("state/production/servers/web-02.json")).exists();
        assertThat(dataDir.resolve("logs/" + id + "/events.log")).exists();
        JsonNode logs = api.get("/tasks/" + id + "/logs").data();
        assertThat(logs).hasSize(1);
        assertThat(logs.get(0).path("lines").toString()).contains("web-01");
    }

    @Test
    void servers_whose_names_differ_only_by_a_suffix_are_kept_apart() throws Exception {
        String app = api.post("/workflows/servers/create", """
                {"infra": "suffixes", "settings": "./settings.yaml", "servers": ["app"], "check_mode": false}""")
                .data().asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(app).equals("Completed"));
        String others = api.post("/workflows/servers/create", """
                {"infra": "suffixes", "settings": "./settings.yaml", "servers": ["app.json", "app.d"], "check_mode": false}""")
                .data().asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of("Completed", "Failed").contains(api.status(others)));
        assertThat(api.status(others)).as(api.task(others).path("error").asText()).isEqualTo("Completed");
        String taskserv = api.post("/workflows/taskserv/create", """
                {"infra": "suffixes", "settings": "./settings.yaml", "taskserv": "postgres",
                 "servers": ["app.json"], "check_mode": false}""").data().asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of("Completed", "Failed").contains(api.status(taskserv)));
        assertThat(api.status(taskserv)).as(api.task(taskserv).path("error").asText()).isEqualTo("Completed");
        Path servers = dataDir.resolve("state/suffixes/servers");
        for (String name : List.of("app", "app.json", "app.d")) {
            assertThat(servers.resolve(name + ".json")).as("record of %s", name).isRegularFile();
            assertThat(Files.readString(servers.resolve(name + ".d/hostname")).strip()).isEqualTo(name);
        }
        assertThat(servers.resolve("app.json.d/taskservs/postgres/installed")).isRegularFile();
        assertThat(servers.resolve("app.d/taskservs")).doesNotExist();
    }

    @Test
    void check_mode_runs_the_script_but_changes_nothing_on_disk() throws Exception {
        String id = api.post("/workflows/servers/create", """
                {"infra": "staging", "settings": "./settings.yaml", "servers": ["app-01"],
                 "check_mode": true, "wait": false}""").data().asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("Completed"));
        assertThat(api.task(id).path("args").toString()).contains("--check");
        assertThat(dataDir.resolve("state/staging")).doesNotExist();
        assertThat(api.task(id).path("output").asText()).containsIgnoringCase("check");
    }

    @Test
    void taskserv_and_cluster_workflows_run_their_scripts() throws Exception {
        String servers = api.createServers("", "db-01");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(servers).equals("Completed"));
        String taskserv = api.post("/workflows/taskserv/create", """
                {"infra": "production", "settings": "./settings.yaml", "taskserv": "postgres",
                 "servers": ["db-01"], "check_mode": false, "wait": false}""").data().asText();
        String cluster = api.post("/workflows/cluster/create", """
                {"infra": "production", "settings": "./settings.yaml", "cluster_type": "kubernetes",
                 "check_mode": false, "wait": false}""").data().asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(taskserv).equals("Completed")
                && api.status(cluster).equals("Completed"));
        assertThat(api.task(taskserv).path("args").toString()).contains("\"taskserv\",\"create\",\"postgres\"");
        assertThat(api.task(cluster).path("workflow").asText()).isEqualTo("cluster.create");
        assertThat(Files.exists(dataDir.resolve("state/production/servers/db-01.d/taskservs/postgres"))).isTrue();
    }
}
