package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.Jwt;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import io.provisioning.orchestrator.cli.support.TestPaths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tokens against the real server with authentication on. Needs the security work on the server:
 * the {@code --auth-hs256-secret-file} flag and 401 answers for missing, invalid and expired tokens.
 */
class AuthenticationTest {
    private final RealOrchestrator server = RealOrchestrator.withAuthentication();
    private final Cli cli = Cli.against(server.url()).env("CI", "true");

    @Test
    void health_needs_no_token() {
        assertThat(cli.run("health").exitCode()).isZero();
    }

    @Test
    void a_missing_token_is_exit_2_and_says_how_to_give_one() {
        CliResult result = cli.run("task", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("provisioning: the orchestrator needs a token: ")
                .contains("(pass --token or set PROVISIONING_TOKEN)");
    }

    @Test
    void a_bad_token_is_exit_2_with_one_line() {
        CliResult forged = cli.run("--token", Jwt.hs256("some-other-secret-that-is-32-bytes-long", "mallory",
                "admin", Duration.ofHours(1)), "task", "list");
        CliResult garbage = cli.run("--token", "not-a-jwt", "task", "list");

        for (CliResult result : List.of(forged, garbage)) {
            assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(result.errLines()).containsExactly("provisioning: the orchestrator rejected the token: "
                    + "invalid token (check --token or PROVISIONING_TOKEN)");
        }
    }

    @Test
    void an_expired_token_says_so() {
        CliResult result = cli.run("--token", Jwt.hs256(RealOrchestrator.AUTH_SECRET, "alice", "operator",
                Duration.ofMinutes(-10)), "task", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err()).contains("token expired");
    }

    @Test
    void a_valid_token_works_from_the_option_and_from_the_environment() {
        String token = Jwt.hs256(RealOrchestrator.AUTH_SECRET, "alice", "operator", Duration.ofHours(1));

        CliResult option = cli.run("--token", token, "workflow", "servers", "create", "--infra", "production",
                "--wait", "web-a1");
        CliResult environment = Cli.against(server.url()).env("PROVISIONING_TOKEN", token).run("task", "list");

        assertThat(option.exitCode()).as(option.toString()).isZero();
        assertThat(environment.exitCode()).as(environment.toString()).isZero();
    }

    @Test
    void the_nushell_module_sends_the_token_from_the_environment() {
        String token = Jwt.hs256(RealOrchestrator.AUTH_SECRET, "alice", "viewer", Duration.ofHours(1));
        String use = "use " + TestPaths.nushellModule() + " *; ";

        CliResult with = Cli.against(server.url()).env("PROVISIONING_TOKEN", token)
                .exec(List.of(TestPaths.nu().toString(), "-n", "-c", use + "provisioning task list | length"), null);
        CliResult without = Cli.against(server.url())
                .exec(List.of(TestPaths.nu().toString(), "-n", "-c", use + "provisioning task list"), null);

        assertThat(with.exitCode()).as(with.toString()).isZero();
        assertThat(without.exitCode()).isNotZero();
        assertThat(without.err()).contains("provisioning: the orchestrator rejected the request");
    }
}
