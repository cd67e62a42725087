package io.provisioning.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EnvironmentDefaultsTest {
    private static OrchestratorMain parse(Map<String, String> environment, String... args) {
        OrchestratorMain main = new OrchestratorMain();
        new CommandLine(main).setOverwrittenOptionsAllowed(true)
                .setDefaultValueProvider(new EnvironmentDefaults(environment)).parseArgs(args);
        return main;
    }

    @Test
    void a_variable_sets_the_flag_it_is_named_after() {
        OrchestratorMain main = parse(Map.of("ORCHESTRATOR_DATA_DIR", "/data", "ORCHESTRATOR_PORT", "9090",
                "ORCHESTRATOR_HOST", "0.0.0.0", "ORCHESTRATOR_WORKERS", "3"));

        assertThat(main.dataDir).isEqualTo(Path.of("/data"));
        assertThat(main.port).isEqualTo(9090);
        assertThat(main.host).isEqualTo("0.0.0.0");
        assertThat(main.workers).isEqualTo(3);
    }

    @Test
    void a_flag_on_the_command_line_wins_over_the_variable() {
        OrchestratorMain main = parse(Map.of("ORCHESTRATOR_PORT", "9090"), "--port", "7070");

        assertThat(main.port).isEqualTo(7070);
    }

    @Test
    void without_a_variable_the_built_in_default_stays() {
        OrchestratorMain main = parse(Map.of("ORCHESTRATOR_HOME", "/opt/x", "UNRELATED", "1"));

        assertThat(main.port).isEqualTo(8080);
        assertThat(main.dataDir).isEqualTo(Path.of("./data"));
    }

    @Test
    void a_bad_value_is_the_same_clear_error_as_on_the_command_line() {
        CommandLine cli = new CommandLine(new OrchestratorMain())
                .setDefaultValueProvider(new EnvironmentDefaults(Map.of("ORCHESTRATOR_PORT", "eighty")));

        assertThatThrownBy(() -> cli.parseArgs()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("eighty");
    }

    @Test
    void names_follow_the_long_flag() {
        assertThat(EnvironmentDefaults.variableFor("--surrealdb-password")).isEqualTo("ORCHESTRATOR_SURREALDB_PASSWORD");
        assertThat(EnvironmentDefaults.variableFor("--no-audit")).isEqualTo("ORCHESTRATOR_NO_AUDIT");
    }
}
