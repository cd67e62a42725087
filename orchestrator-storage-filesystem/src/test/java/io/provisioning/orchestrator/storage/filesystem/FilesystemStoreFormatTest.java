package io.provisioning.orchestrator.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.format.FormatManifest;
import io.provisioning.orchestrator.format.UnsupportedFormatException;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store checks its own format version, so an offline migration of an older build never writes into a newer dir. */
class FilesystemStoreFormatTest {
    @TempDir Path dataDir;

    @Test
    void a_store_of_a_newer_format_is_refused_before_anything_is_created() throws Exception {
        new FormatManifest(1, "9.9.9", Map.of("filesystem-store", 3)).write(dataDir);
        assertThatThrownBy(() -> StorageTypes.open("filesystem", dataDir, Map.of()))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("filesystem-store format version 3 (written by orchestrator 9.9.9), newer than "
                        + "this code knows (2)")
                .hasMessageEndingWith("nothing was changed");
        assertThat(dataDir.resolve("queue.rkvs")).doesNotExist();
    }

    @Test
    void a_store_at_version_1_or_without_a_manifest_opens_and_says_its_version() throws Exception {
        try (TaskStorage storage = StorageTypes.open("filesystem", dataDir, Map.of())) {
            assertThat(storage.formatVersions()).containsEntry("filesystem-store", 2);
        }
        new FormatManifest(1, "0.1.0", Map.of("filesystem-store", 1)).write(dataDir);
        try (TaskStorage storage = StorageTypes.open("filesystem", dataDir, Map.of())) {
            assertThat(storage.count()).isZero();
        }
        assertThat(Files.isDirectory(dataDir.resolve("queue.rkvs"))).isTrue();
    }
}
