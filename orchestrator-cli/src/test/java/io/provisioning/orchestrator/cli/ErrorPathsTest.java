package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import io.provisioning.orchestrator.cli.support.StandInServer;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Every way a command can go wrong gives one line on stderr and its documented exit code. */
class ErrorPathsTest {

    @Test
    void a_server_that_is_down_is_exit_3() throws IOException {
        String url = "http://127.0.0.1:" + freePort();

        CliResult result = Cli.against(url).run("task", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.errLines()).containsExactly("provisioning: cannot reach the orchestrator at " + url
                + ": connection refused (is it running? start it with 'provisioning serve', or point --url / "
                + "PROVISIONING_URL at it)");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void an_unknown_host_is_exit_3_and_named() {
        CliResult result = Cli.against(null).run("--url", "http://no-such-host.invalid:8080", "health");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).contains("unknown host no-such-host.invalid");
    }

    @Test
    void a_url_that_is_not_http_is_a_usage_error() {
        CliResult result = Cli.against("ftp://example.org").run("health");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.errLines()).containsExactly(
                "provisioning: --url must look like http://host:port; got 'ftp://example.org'");
    }

    @Test
    void a_rejected_token_is_exit_2_and_the_token_was_sent_as_bearer() {
        // the orchestrator has no authentication yet; this stand-in answers like the spec says it will
        try (StandInServer server = StandInServer.envelopeError(401, "invalid token: signature does not match")) {
            CliResult result = Cli.against(server.url()).run("--token", "not-a-jwt", "task", "list");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(result.errLines()).containsExactly("provisioning: the orchestrator rejected the token: "
                    + "invalid token: signature does not match (check --token or PROVISIONING_TOKEN)");
            assertThat(server.authorizations()).containsExactly("Bearer not-a-jwt");
        }
    }

    @Test
    void the_token_comes_from_the_environment_when_not_given() {
        try (StandInServer server = StandInServer.envelopeError(401, "token expired")) {
            CliResult result = Cli.against(server.url()).env("PROVISIONING_TOKEN", "from-env").run("task", "list");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(server.authorizations()).containsExactly("Bearer from-env");
        }
    }

    @Test
    void a_missing_token_says_how_to_give_one() {
        try (StandInServer server = StandInServer.envelopeError(401, "authentication required")) {
            CliResult result = Cli.against(server.url()).run("task", "list");

            assertThat(result.errLines()).containsExactly("provisioning: the orchestrator needs a token: "
                    + "authentication required (pass --token or set PROVISIONING_TOKEN)");
        }
    }

    @Test
    void a_server_error_is_exit_3() {
        try (StandInServer server = StandInServer.envelopeError(503, "storage is unavailable; try again later")) {
            CliResult result = Cli.against(server.url()).run("health");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.errLines()).containsExactly(
                    "provisioning: the orchestrator failed: storage is unavailable; try again later (HTTP 503)");
        }
    }

    @Test
    void something_that_is_not_an_orchestrator_is_exit_3() {
        try (StandInServer server = StandInServer.answering(200, "text/html", "<html>hello\n</html>")) {
            CliResult result = Cli.against(server.url()).run("task", "list");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.errLines()).hasSize(1);
            assertThat(result.err()).contains("no orchestrator response; is --url right?");
        }
    }

    @Test
    void an_unknown_task_on_the_real_server_is_exit_4() {
        CliResult result = Cli.against(RealOrchestrator.shared().url()).run("task", "watch", "not-a-task-id");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.errLines()).containsExactly("provisioning: task \"not-a-task-id\" not found");
    }

    @Test
    void an_endpoint_the_server_lacks_is_named_and_exit_3() {
        try (StandInServer server = StandInServer.envelopeError(404, "no such endpoint: POST /tasks/x/cancel")) {
            CliResult result = Cli.against(server.url()).run("task", "cancel", "x");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.errLines()).containsExactly("provisioning: the orchestrator at " + server.url()
                    + " does not offer POST /tasks/x/cancel; it is older than this CLI");
        }
    }

    @Test
    void usage_errors_are_one_line_that_points_at_help() {
        CliResult unknownOption = Cli.against(null).run("task", "list", "--colour");
        CliResult badFormat = Cli.against(null).run("--output", "yaml", "task", "list");
        CliResult noCommand = Cli.against(null).run("test", "env");

        assertThat(unknownOption.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknownOption.errLines()).containsExactly(
                "provisioning: Unknown option: '--colour' (see 'provisioning task list --help')");
        assertThat(badFormat.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badFormat.errLines()).hasSize(1);
        assertThat(noCommand.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noCommand.errLines()).hasSize(1);
        assertThat(noCommand.err()).contains("'provisioning test env' needs a subcommand: ", "single", "cluster", "cleanup");
    }

    @Test
    void auth_says_it_is_not_in_this_build_and_storage_migrate_names_what_it_misses() {
        CliResult storage = Cli.against(null).run("storage", "migrate", "--to", "surrealdb-embedded");
        CliResult auth = Cli.against(null).run("auth", "token");

        assertThat(storage.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(storage.errLines()).containsExactly("provisioning: --from is required: "
                + "filesystem, postgresql, surrealdb-embedded, surrealdb-server");
        assertThat(auth.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(auth.errLines()).containsExactly("provisioning: 'provisioning auth' is not available in this build");
    }

    @Test
    void help_documents_the_exit_codes_on_every_command() {
        CliResult root = Cli.against(null).run("--help");
        CliResult leaf = Cli.against(null).run("test", "env", "single", "--help");

        assertThat(root.exitCode()).isZero();
        assertThat(root.out()).contains("Exit codes:", "3  orchestrator unreachable", "4  not found",
                "PROVISIONING_URL");
        assertThat(leaf.exitCode()).isZero();
        assertThat(leaf.out()).startsWith("Usage: provisioning test env single")
                .contains("--auto-start", "--auto-cleanup", "--base-image", "--infra", "Exit codes:");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
