package io.provisioning.orchestrator.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.InvalidRequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    @TempDir Path dir;
    Workspace workspace;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(root.resolve("settings.yaml"), "provider: local\n");
        Files.createDirectories(root.resolve("infra/prod"));
        Files.writeString(root.resolve("infra/prod/settings.yaml"), "provider: local\n");
        outside = Files.writeString(dir.resolve("secret.yaml"), "x");
        Files.createSymbolicLink(root.resolve("link.yaml"), outside);
        workspace = new Workspace(root);
    }

    @Test
    void accepts_settings_files_inside_the_workspace() {
        assertThat(workspace.requireSettings("settings", "./settings.yaml")).isEqualTo("./settings.yaml");
        assertThat(workspace.requireSettings("settings", "infra/prod/settings.yaml")).isNotNull();
        assertThat(workspace.requireSettings("settings", workspace.root().resolve("settings.yaml").toString())).isNotNull();
    }

    @Test
    void rejects_paths_that_leave_the_workspace() {
        assertThatThrownBy(() -> workspace.requireSettings("settings", "../secret.yaml"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> workspace.requireSettings("settings", outside.toString()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("inside the workspace");
        assertThatThrownBy(() -> workspace.requireSettings("settings", "link.yaml"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("links outside");
    }

    @Test
    void rejects_shell_and_control_characters_and_missing_files() {
        for (String bad : new String[] {"settings.yaml;rm -rf /", "$(id).yaml", "a\nb.yaml", "`x`", "s*.yaml", "-rf"}) {
            assertThatThrownBy(() -> workspace.requireSettings("settings", bad)).isInstanceOf(InvalidRequestException.class);
        }
        assertThatThrownBy(() -> workspace.requireSettings("settings", "nope.yaml"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no such file");
        assertThatThrownBy(() -> workspace.requireSettings("settings", "infra"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a folder");
    }

    @Test
    void names_are_plain_words() {
        assertThat(Names.require("infra", "production")).isEqualTo("production");
        assertThat(Names.require("servers[]", "web-01.example_a")).isNotNull();
        for (String bad : new String[] {"", "-x", "a b", "a;b", "../x", "a..b", "x\u0000", "web\n01", "é", "a".repeat(64)}) {
            assertThatThrownBy(() -> Names.require("infra", bad)).isInstanceOf(InvalidRequestException.class);
        }
    }
}
