package io.provisioning.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.cli.support.Cli;
import io.provisioning.orchestrator.cli.support.CliResult;
import io.provisioning.orchestrator.cli.support.RealOrchestrator;
import io.provisioning.orchestrator.cli.support.TestPaths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code provisioning ui} and the Nushell module's {@code ui} print the console's address, and the real server serves the console there. */
class ConsoleAddressTest {
    private final RealOrchestrator server = RealOrchestrator.shared();

    @Test
    void the_cli_prints_the_console_address_that_the_server_serves() throws Exception {
        CliResult result = Cli.against(server.url()).run("ui");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().strip()).isEqualTo(server.url() + "/ui/");
        assertServesTheConsole(result.out().strip());
    }

    @Test
    void the_nushell_module_returns_the_console_address() throws Exception {
        String script = "use " + TestPaths.nushellModule() + " *; provisioning ui";
        CliResult result = Cli.against(server.url()).exec(List.of(TestPaths.nu().toString(), "-n", "-c", script), null);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().strip()).isEqualTo(server.url() + "/ui/");
        assertServesTheConsole(result.out().strip());
    }

    @Test
    void an_unreachable_orchestrator_is_exit_3_not_an_address() {
        CliResult result = Cli.against("http://127.0.0.1:1").run("ui");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).doesNotContain("/ui/");
    }

    private static void assertServesTheConsole(String url) throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<title>Provisioning console</title>", "js/app.js");
    }
}
