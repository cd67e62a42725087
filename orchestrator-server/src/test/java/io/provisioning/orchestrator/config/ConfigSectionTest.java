package io.provisioning.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSectionTest {
    @TempDir Path dir;

    @Test
    void resolves_relative_paths_against_the_config_files_folder() throws Exception {
        Path file = Files.writeString(dir.resolve("orchestrator.json"), "{\"auth\": {\"hs256_secret_file\": \"keys/s\"}}");
        assertThat(ConfigSection.read(file).section("auth").path("hs256_secret_file")).isEqualTo(dir.resolve("keys/s"));
    }

    @Test
    void refuses_unknown_keys_and_wrong_types_naming_the_key() throws Exception {
        Path file = Files.writeString(dir.resolve("c.json"), "{\"rate_limit\": {\"per_minut\": 5, \"burst\": \"x\"}}");
        ConfigSection limits = ConfigSection.read(file).section("rate_limit");
        assertThatThrownBy(() -> limits.allowOnly(Set.of("per_minute", "burst")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("per_minut");
        assertThatThrownBy(() -> limits.number("burst")).hasMessageContaining("rate_limit.'burst' must be a whole number");
    }

    @Test
    void a_file_that_is_not_a_json_object_is_refused() throws Exception {
        Path file = Files.writeString(dir.resolve("c.json"), "[1,2");
        assertThatThrownBy(() -> ConfigSection.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read config file");
    }
}
