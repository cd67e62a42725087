package io.provisioning.orchestrator.testenv.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEnvironmentStoreTest extends EnvironmentStoreContract {
    @TempDir
    Path dir;

    @Override
    protected EnvironmentStore openStore() {
        return new FileEnvironmentStore(dir);
    }

    @Test
    void keeps_one_json_file_per_environment_and_no_temp_files() throws Exception {
        var saved = anEnvironment(Instant.now());
        store.save(saved);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(saved.id() + ".json");
        }
    }

    @Test
    void an_unreadable_record_is_moved_aside_and_the_rest_still_load() throws Exception {
        var saved = anEnvironment(Instant.now());
        store.save(saved);
        Files.writeString(dir.resolve("00000000-0000-0000-0000-000000000000.json"), "{not json");
        store.close();
        store = openStore();
        assertThat(store.list()).extracting(e -> e.id()).containsExactly(saved.id());
        assertThat(dir.resolve("corrupt/00000000-0000-0000-0000-000000000000.json")).exists();
    }
}
