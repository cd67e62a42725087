package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.format.DataFormats;
import io.provisioning.orchestrator.format.FormatManifest;
import io.provisioning.orchestrator.format.UnsupportedFormatException;
import io.provisioning.orchestrator.storage.StorageFactory;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.nio.file.Path;
import java.util.Map;

public final class FilesystemStorageFactory implements StorageFactory {
    /** The version of {@link DataFormats#FILESYSTEM_STORE} this code reads and writes. */
    static final int FORMAT_VERSION = 1;

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
        FormatManifest.read(dataDir).ifPresent(manifest -> {
            int found = manifest.versionOf(DataFormats.FILESYSTEM_STORE);
            if (found > FORMAT_VERSION) {
                throw new UnsupportedFormatException("the filesystem store in " + dataDir + " is "
                        + DataFormats.FILESYSTEM_STORE + " format version " + found + " (written by orchestrator "
                        + manifest.writtenBy() + "), newer than this code knows (" + FORMAT_VERSION + "): use orchestrator "
                        + manifest.writtenBy() + " or a newer one, or restore the backup taken before the upgrade; "
                        + "nothing was changed");
            }
        });
        return new FilesystemTaskStorage(dataDir);
    }
}
