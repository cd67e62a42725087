package io.provisioning.orchestrator.storage.filesystem;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.format.FormatManifest;
import io.provisioning.orchestrator.format.UnsupportedFormatException;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
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

    /** An offline migration opens its source this way: reading a store must leave every file as it was. */
    @Test
    void opening_a_store_without_a_manifest_again_leaves_its_index_files_as_they_were() throws Exception {
        try (TaskStorage storage = StorageTypes.open("filesystem", dataDir, Map.of())) {
            for (int i = 0; i < 30; i++) {
                storage.save(aTask().pending());
            }
        }
        Map<String, String> before = filesUnder(dataDir.resolve("queue.rkvs"));

        try (TaskStorage storage = StorageTypes.open("filesystem", dataDir, Map.of())) {
            assertThat(storage.count()).isEqualTo(30);
        }

        assertThat(filesUnder(dataDir.resolve("queue.rkvs"))).isEqualTo(before);
    }

    /** A build without the index may have written a task file after the index was: then the index is built again. */
    @Test
    void an_index_that_does_not_say_what_the_task_files_say_is_built_again_from_them() throws Exception {
        var task = aTask().pending();
        try (TaskStorage storage = StorageTypes.open("filesystem", dataDir, Map.of())) {
            storage.save(aTask().pending());
            storage.save(task);
        }
        String written = Files.readString(dataDir.resolve("queue.rkvs/tasks/" + task.id() + ".json"));
        String other = "aaaaaaaa-0000-0000-0000-000000000001";
        Files.writeString(dataDir.resolve("queue.rkvs/tasks/" + other + ".json"),
                written.replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"" + other + "\"")
                        .replaceFirst("\"sequence\":\\d+", "\"sequence\":999"));

        try (TaskStorage storage = StorageTypes.open("filesystem", dataDir, Map.of())) {
            assertThat(storage.count()).isEqualTo(3);
            assertThat(storage.find(other)).isPresent();
        }
    }

    private static Map<String, String> filesUnder(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            // the task, queue and index files (a start begins a new journal segment, and that is all it writes)
            for (Path file : walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".json")
                    || root.relativize(f).startsWith("index")).toList()) {
                files.put(root.relativize(file).toString(), Files.readString(file));
            }
        }
        return files;
    }
}
