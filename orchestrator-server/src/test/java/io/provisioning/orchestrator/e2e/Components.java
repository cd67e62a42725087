package io.provisioning.orchestrator.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real components the end-to-end tests drive. A missing one fails the test, loudly. */
final class Components {
    private Components() {}

    static Path repoRoot() {
        String root = System.getProperty("orchestrator.repo.root");
        Path path = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
        if (!Files.isDirectory(path.resolve("provisioning"))) {
            throw new IllegalStateException("cannot find the repository root (with provisioning/) at " + path);
        }
        return path;
    }

    /** The real Nushell binary: $NU_PATH, else the pinned npm package. */
    static String nu() {
        String fromEnv = System.getenv("NU_PATH");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        Path pinned = repoRoot().resolve("node_modules/@nushell/linux-x64/bin/nu");
        if (!Files.isExecutable(pinned)) {
            throw new IllegalStateException("Nushell is missing: run 'npm ci' in " + repoRoot()
                    + " (bin/test does) or set NU_PATH to a nu binary");
        }
        return pinned.toString();
    }

    static Path fixtureScript() {
        return repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/behaviour.nu");
    }
}
