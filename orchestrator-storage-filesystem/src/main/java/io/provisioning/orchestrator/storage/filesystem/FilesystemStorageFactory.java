package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.format.DataFormats;
import io.provisioning.orchestrator.format.FormatManifest;
import io.provisioning.orchestrator.format.UnsupportedFormatException;
import io.provisioning.orchestrator.storage.StorageFactory;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.nio.file.Path;
import java.util.Map;

public final class FilesystemStorageFactory implements StorageFactory {
    /** The version of {@link DataFormats#FILESYSTEM_STORE} this code reads and writes: 2 has the task index. */
    static final int FORMAT_VERSION = 2;

    @Override
    public String type() {
        return "filesystem";
    }

    /**
     * Opens the store in {@code dataDir}; one that a newer build wrote ({@code format.json} gives
     * {@code filesystem-store} a higher version) is refused before anything in it is touched, whoever
     * opens it (the server checks the whole data dir first; an offline migration only this).
     */
    @Override
    public TaskStorage open(Path dataDir, Map<String, String> options) {
        java.util.Optional<FormatManifest> manifest = FormatManifest.read(dataDir);
        int found = manifest.map(m -> m.versionOf(DataFormats.FILESYSTEM_STORE)).orElse(1);
        if (found > FORMAT_VERSION) {
            FormatManifest newer = manifest.orElseThrow();
            throw new UnsupportedFormatException("the filesystem store in " + dataDir + " is "
                    + DataFormats.FILESYSTEM_STORE + " format version " + found + " (written by orchestrator "
                    + newer.writtenBy() + "), newer than this code knows (" + FORMAT_VERSION + "): use orchestrator "
                    + newer.writtenBy() + " or a newer one, or restore the backup taken before the upgrade; "
                    + "nothing was changed");
        }
        if (found < FORMAT_VERSION) {
            // version 1 (no manifest, or one no server upgraded: an offline migration): a build that knew
            // no index may have written task files after the index was, so unless the index says what
            // the task files say, it is built again from them (opening a store to read it changes nothing)
            if (!IndexAgreement.holds(dataDir)) {
                forgetIndex(dataDir);
            }
        }
        return new FilesystemTaskStorage(dataDir);
    }

    private static void forgetIndex(Path dataDir) {
        Path index = dataDir.resolve("queue.rkvs").resolve("index");
        if (!java.nio.file.Files.isDirectory(index)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(index)) {
            for (Path file : files.toList()) {
                java.nio.file.Files.deleteIfExists(file);
            }
            java.nio.file.Files.deleteIfExists(index);
        } catch (java.io.IOException e) {
            throw new io.provisioning.orchestrator.storage.StorageException("cannot remove the task index of a version 1 store in "
                    + dataDir + ": " + e.getMessage(), e);
        }
    }
}
