package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the task index of a store with no format record (one made by opening the storage
 * directly, as an offline migration does, or one a build without the index wrote into later)
 * says exactly what its task files say. Only then is it kept as it is; else it is built again
 * from the files. Reads every task file once and writes nothing.
 */
final class IndexAgreement {
    private IndexAgreement() {}

    static boolean holds(Path dataDir) {
        FilesystemLayout layout = new FilesystemLayout(dataDir.resolve("queue.rkvs"));
        if (!Files.isDirectory(layout.index())) {
            return false;
        }
        try (IndexFiles files = new IndexFiles(layout.index())) {
            if (!files.exists()) {
                return false;
            }
            Map<EntryKey, IndexEntry> indexed = files.readAll();
            Map<EntryKey, IndexEntry> onDisk = new HashMap<>();
            for (Path file : Files.isDirectory(layout.tasks()) ? OpenExistingData.list(layout.tasks()) : List.<Path>of()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".json")) {
                    if (name.endsWith(".tmp")) {
                        return false; // a write cut short: the rebuild removes it
                    }
                    continue;
                }
                Task task = TaskFiles.parse(file, name.substring(0, name.length() - ".json".length()));
                IndexEntry entry = IndexEntry.of(task);
                onDisk.put(entry.key(), entry);
            }
            return onDisk.equals(indexed);
        } catch (IOException | RuntimeException e) {
            return false; // an unreadable file or index: the rebuild moves it aside and says so
        }
    }
}
