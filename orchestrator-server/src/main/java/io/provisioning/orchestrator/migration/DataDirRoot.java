package io.provisioning.orchestrator.migration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a requested data dir lies inside the configured root, after {@code ..} is resolved and
 * after the symbolic links of the part that exists are followed (a link inside the root that
 * points outside does not count as inside).
 */
final class DataDirRoot {
    private DataDirRoot() {}

    static boolean contains(Path root, Path requested) {
        Path realRoot = real(root.toAbsolutePath().normalize());
        Path realRequested = real(requested.toAbsolutePath().normalize());
        return realRequested.startsWith(realRoot);
    }

    /** The path with its deepest existing ancestor replaced by that ancestor's real path. */
    private static Path real(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            return path;
        }
    }
}
