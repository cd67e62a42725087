package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.cli.support.Api;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import io.provisioning.orchestrator.cli.support.TestPaths;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nushell/provisioning.nu run by the real nu against the real server. */
class NushellModuleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RealOrchestrator server = RealOrchestrator.shared();
    private final Api api = new Api(server.url());

    @Test
    void health_returns_the_servers_message() {
        CliResult result = nu("provisioning health");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().strip()).isEqualTo("\"Orchestrator is healthy\"");
    }

    @Test
    void version_gives_the_modules_version_and_the_servers_build() throws Exception {
        CliResult result = nu("provisioning version");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode version = JSON.readTree(result.out());
        String pomVersion = java.nio.file.Files.readString(TestPaths.repoRoot().resolve("pom.xml"))
                .replaceFirst("(?s).*?<artifactId>orchestrator-parent</artifactId>\\s*<version>([^<]+)</version>.*", "$1");
        assertThat(version.path("module").asText()).isEqualTo(pomVersion);
        assertThat(version.path("orchestrator").path("version").asText()).isEqualTo(pomVersion);
        assertThat(version.path("orchestrator").path("storage_backends").toString()).contains("filesystem");
        assertThat(version.path("orchestrator").path("storage_in_use").asText()).isEqualTo("filesystem");
    }

    @Test
    void a_workflow_with_wait_returns_the_finished_task_as_a_record() throws Exception {
        CliResult result = nu("provisioning workflow servers create --infra production --wait web-n1 [web-n2 web-n3]");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode task = JSON.readTree(result.out());
        assertThat(task.path("status").asText()).isEqualTo("Completed");
        assertThat(task.path("progress").path("message").asText()).isEqualTo("web-n3 created");
        assertThat(task.path("args").toString()).contains("\"web-n1\",\"web-n2\",\"web-n3\"");
        assertThat(result.err()).contains("Completed 100%");
    }

    @Test
    void a_workflow_without_wait_returns_the_task_id() throws Exception {
        CliResult result = nu("provisioning workflow taskserv create postgres db-01 --infra production --check");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String id = JSON.readTree(result.out()).path("task_id").asText();
        assertThat(api.awaitStatus(id, "Completed").path("args").toString()).contains("\"--check\"");
    }

    @Test
    void task_list_is_a_table_that_pipelines_can_filter() throws Exception {
        String id = api.submitServers("fail-n4");
        api.awaitStatus(id, "Failed");

        CliResult result = nu("provisioning task list --limit 1000 | where status == Failed | get id");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(JSON.readTree(result.out()).toString()).contains(id);
    }

    @Test
    void task_show_returns_a_record() throws Exception {
        String id = api.submitServers("web-n5");
        api.awaitStatus(id, "Completed");

        CliResult result = nu("provisioning task show " + id + " | select id status");

        assertThat(JSON.readTree(result.out()).path("status").asText()).isEqualTo("Completed");
    }

    @Test
    void the_module_works_without_star_under_its_own_name() {
        CliResult result = Cli.against(server.url()).exec(List.of(TestPaths.nu().toString(), "-n", "-c",
                "use " + TestPaths.nushellModule() + "; provisioning task list --limit 1 | length"), null);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().strip()).isEqualTo("1");
    }

    @Test
    void an_unknown_task_is_one_clear_error() {
        CliResult result = nuShortErrors(server.url(), "provisioning task show 00000000-0000-0000-0000-000000000000");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errLines()).containsExactly(
                "Error: provisioning: task 00000000-0000-0000-0000-000000000000 not found (HTTP 404): ");
    }

    @Test
    void a_server_that_is_down_is_one_clear_error() {
        CliResult result = nuShortErrors("http://127.0.0.1:9", "provisioning task list");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("Error: provisioning: cannot reach the orchestrator at http://127.0.0.1:9: ");
    }

    @Test
    void task_logs_is_a_table_of_lines() throws Exception {
        // needs GET /tasks/{id}/logs
        String id = api.submitServers("web-n6");
        api.awaitStatus(id, "Completed");

        CliResult result = nu("provisioning task logs " + id + " | where stream == stdout | get line");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(JSON.readTree(result.out()).toString()).contains("created web-n6");
    }

    @Test
    void task_cancel_and_retry_return_records() throws Exception {
        // needs POST /tasks/{id}/cancel and POST /tasks/{id}/retry
        String id = api.submitServers("hold-n7");
        api.awaitStatus(id, "Running");

        CliResult cancel = nu("provisioning task cancel " + id);
        assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
        api.awaitStatus(id, "Cancelled");
        server.release("hold-n7");
        CliResult retry = nu("provisioning task retry " + id + " --wait | select id status attempts");

        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        JsonNode task = JSON.readTree(retry.out());
        assertThat(task.path("status").asText()).isEqualTo("Completed");
        assertThat(task.path("attempts").asInt()).isEqualTo(2);
    }

    /** With nu's short error style (what scripts set), an error is exactly one line. */
    private static CliResult nuShortErrors(String url, String pipeline) {
        String script = "$env.config.error_style = 'short'; use " + TestPaths.nushellModule() + " *; " + pipeline;
        return Cli.against(url).exec(List.of(TestPaths.nu().toString(), "-n", "-c", script), null);
    }

    /** Runs {@code use nushell/provisioning.nu *; <pipeline> | to json} and returns what nu printed. */
    @Test
    void storage_migrate_moves_a_running_orchestrator_and_storage_status_shows_the_new_store(@TempDir Path root)
            throws Exception {
        RealOrchestrator own = RealOrchestrator.dedicated("--storage-migration-root", root.toString());
        try {
            Api ownApi = new Api(own.url());
            List<String> ids = List.of(ownApi.submitServers("mig-n1"), ownApi.submitServers("mig-n2"),
                    ownApi.submitServers("mig-n3"));
            Path target = root.resolve("moved");

            CliResult same = nu(own.url(), "provisioning storage migrate --to filesystem");
            CliResult migrated = nu(own.url(), "provisioning storage migrate --to filesystem --data-dir '" + target
                    + "' --batch-size 2");
            CliResult status = nu(own.url(), "provisioning storage status");

            assertThat(same.exitCode()).isNotZero();
            assertThat(same.err()).contains("provisioning: the orchestrator already uses filesystem");
            assertThat(migrated.exitCode()).as(migrated.toString()).isZero();
            JsonNode finished = JSON.readTree(migrated.out());
            assertThat(finished.path("state").asText()).isEqualTo("SWITCHED");
            assertThat(finished.path("total").asLong()).isGreaterThanOrEqualTo(ids.size());
            assertThat(finished.path("source_digest").asText()).isEqualTo(finished.path("target_digest").asText());
            assertThat(migrated.err()).contains("storage migration filesystem -> filesystem: SWITCHED");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            JsonNode live = JSON.readTree(status.out());
            assertThat(live.path("type").asText()).isEqualTo("filesystem");
            assertThat(live.path("store").asText()).contains(target.toString());
            for (String id : ids) {
                assertThat(ownApi.task(id).path("id").asText()).isEqualTo(id);
            }
        } finally {
            own.close();
        }
    }

    private CliResult nu(String pipeline) {
        return nu(server.url(), pipeline);
    }

    private CliResult nu(String url, String pipeline) {
        String script = "use " + TestPaths.nushellModule() + " *; " + pipeline + " | to json -r";
        return Cli.against(url).exec(List.of(TestPaths.nu().toString(), "-n", "-c", script), null);
    }
}
