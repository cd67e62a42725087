package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.cli.support.Api;
import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import org.junit.jupiter.api.Test;

/** The CLI as its own process: the real main, its System.exit codes, PROVISIONING_URL from the environment. */
class SubprocessTest {
    private final RealOrchestrator server = RealOrchestrator.shared();

    @Test
    void exit_codes_reach_the_calling_shell() {
        Cli cli = Cli.against(server.url());
        String failing = new Api(server.url()).submitServers("fail-x1");

        CliResult ok = cli.runProcess("health");
        CliResult notFound = cli.runProcess("task", "show", "00000000-0000-0000-0000-000000000001");
        CliResult failed = cli.runProcess("task", "watch", failing);
        CliResult usage = cli.runProcess("task", "frobnicate");
        CliResult down = Cli.against("http://127.0.0.1:9").runProcess("task", "list");

        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).isEqualTo("Orchestrator is healthy (" + server.url() + ")\n");
        assertThat(notFound.exitCode()).isEqualTo(4);
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(down.exitCode()).isEqualTo(3);
        for (CliResult result : new CliResult[] {notFound, failed, usage, down}) {
            assertThat(result.errLines()).as(result.toString()).hasSize(1);
            assertThat(result.err()).startsWith("provisioning: ");
        }
    }
}
