package io.provisioning.orchestrator.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code filesystem-store} 1 to 2: version 2 adds the task index ({@code queue.rkvs/index/}), so a
 * start reads the index instead of every task file, and finished tasks leave memory. Nothing of
 * version 1 is rewritten: the store builds its index from the task files the first time it opens
 * (once). An index left in a version 1 store is removed here: a build that did not know it may
 * have written task files since, so only the files are trusted. Version 1 builds refuse version 2.
 */
final class FilesystemStoreIndexStep implements UpgradeStep {
    @Override
    public FormatVersion from() {
        return new FormatVersion(DataFormats.FILESYSTEM_STORE, 1);
    }

    @Override
    public void apply(Path dataDir) throws IOException {
        Path index = dataDir.resolve("queue.rkvs").resolve("index");
        if (!Files.isDirectory(index)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(index)) {
            files = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
    }
}
