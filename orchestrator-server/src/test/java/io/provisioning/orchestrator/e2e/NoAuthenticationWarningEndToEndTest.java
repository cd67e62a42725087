package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server JVM started on every address (0.0.0.0, through {@code ORCHESTRATOR_HOST}) with no
 * authentication says so at start, and how to turn it on; on loopback it does not. Nothing but
 * loopback is connected to.
 */
class NoAuthenticationWarningEndToEndTest {
    private static final String WARNING = "reachable from other machines, with authentication OFF";
    @TempDir Path dataDir;
    @TempDir Path workspace;

    @Test
    void listening_beyond_loopback_without_authentication_prints_how_to_turn_it_on() throws Exception {
        assertThat(logOfAServerOn("0.0.0.0")).filteredOn(line -> line.contains(WARNING)).singleElement().asString()
                .contains("listening on 0.0.0.0", "--auth-hs256-secret-file");
    }

    @Test
    void on_loopback_there_is_no_warning() throws Exception {
        // the server logs warnings only here, so the log may be empty; the test above shows the same capture sees the warning
        assertThat(logOfAServerOn("127.0.0.1")).as("server log").noneMatch(line -> line.contains(WARNING));
    }

    /** What a server without authentication, listening on {@code host}, logged until it answered its first request. */
    private List<String> logOfAServerOn(String host) throws Exception {
        try (ServerProcess server = ServerProcess.startWithEnvironment(Map.of("ORCHESTRATOR_HOST", host), dataDir,
                workspace, Components.fixtureScript(), "--workers", "1")) {
            assertThat(server.api().get("/health").status()).isEqualTo(200);
            return List.copyOf(server.log());
        }
    }
}
