package io.provisioning.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.config.ConfigException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigReferenceTest {
    @TempDir
    Path dir;

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("docs"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    private OrchestratorMain parse(Map<String, String> environment, String... args) {
        OrchestratorMain main = new OrchestratorMain();
        CommandLine cli = new CommandLine(main).setOverwrittenOptionsAllowed(true);
        cli.setDefaultValueProvider(EnvironmentDefaults.forServer(cli.getCommandSpec(), args, environment));
        cli.parseArgs(args);
        return main;
    }

    private Path config(String json) throws Exception {
        Path file = dir.resolve("orchestrator.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void the_committed_reference_is_what_the_code_prints() throws Exception {
        String committed = Files.readString(repoRoot().resolve("docs/CONFIGURATION.md"));

        assertThat(committed).as("docs/CONFIGURATION.md is stale: run bin/orchestrator-config-reference")
                .isEqualTo(ConfigReference.markdown());
    }

    @Test
    void every_flag_is_in_the_reference_with_its_variable_and_key() {
        String reference = ConfigReference.markdown();
        for (var option : new CommandLine(new OrchestratorMain()).getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            assertThat(reference).contains(option.longestName(), EnvironmentDefaults.variableFor(option.longestName()));
            EnvironmentDefaults.configKeyFor(option).ifPresent(key -> assertThat(reference).contains("`" + key + "`"));
        }
    }

    @Test
    void the_server_section_sets_any_server_flag_and_paths_are_relative_to_the_file() throws Exception {
        Path file = config("{\"server\": {\"workers\": 3, \"data_dir\": \"state\", \"limit_workflow\": {\"servers.create\": 2, \"taskserv.create\": 1}}}");

        OrchestratorMain main = parse(Map.of(), "--config", file.toString());

        assertThat(main.workers).isEqualTo(3);
        assertThat(main.dataDir).isEqualTo(dir.resolve("state"));
        assertThat(main.limitWorkflow).containsEntry("servers.create", 2).containsEntry("taskserv.create", 1);
    }

    @Test
    void a_variable_wins_over_the_file_and_a_flag_over_both() throws Exception {
        Path file = config("{\"server\": {\"workers\": 3, \"port\": 9000}}");

        OrchestratorMain main = parse(Map.of("ORCHESTRATOR_WORKERS", "5", "ORCHESTRATOR_PORT", "9100"),
                "--config", file.toString(), "--port", "9200");

        assertThat(main.workers).isEqualTo(5);
        assertThat(main.port).isEqualTo(9200);
    }

    @Test
    void the_config_file_may_be_named_by_its_variable() throws Exception {
        Path file = config("{\"server\": {\"workers\": 7}}");

        assertThat(parse(Map.of("ORCHESTRATOR_CONFIG", file.toString())).workers).isEqualTo(7);
    }

    @Test
    void an_unknown_server_key_is_an_error_that_names_it() throws Exception {
        Path file = config("{\"server\": {\"wokers\": 3}}");

        assertThatThrownBy(() -> parse(Map.of(), "--config=" + file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key(s) [wokers]").hasMessageContaining("workers");
    }

    @Test
    void every_security_key_in_the_reference_is_one_the_security_sections_know() throws Exception {
        for (Field field : SecurityFlags.class.getDeclaredFields()) {
            ConfigKey key = field.getAnnotation(ConfigKey.class);
            if (key == null) {
                continue;
            }
            String[] parts = key.value().split("\\.");
            Path file = config("{\"" + parts[0] + "\": {\"" + parts[1] + "\": 12345}}");
            SecurityFlags flags = new SecurityFlags();
            flags.config = file;
            try {
                flags.resolve(dir);
            } catch (RuntimeException e) {
                // a wrong type for the key is fine here; an unknown key is not
                assertThat(e.getMessage()).as(key.value()).doesNotContain("unknown key");
            }
        }
    }
}
