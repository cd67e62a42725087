package io.provisioning.orchestrator.cli.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the repository and the real {@code nu} binary. */
public final class TestPaths {
    private TestPaths() {}

    public static Path repoRoot() {
        String root = System.getProperty("orchestrator.repo.root");
        Path path = root != null ? Path.of(root) : Path.of("..");
        return path.toAbsolutePath().normalize();
    }

    /** NU_PATH when set, else the pinned npm binary (npm ci / npm install in the repository root). */
    public static Path nu() {
        String fromEnv = System.getenv("NU_PATH");
        Path nu = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv)
                : repoRoot().resolve("node_modules/@nushell/linux-x64/bin/nu");
        if (!Files.isExecutable(nu)) {
            throw new IllegalStateException("no nu binary at " + nu + ": run 'npm ci' in " + repoRoot()
                    + " or set NU_PATH");
        }
        return nu;
    }

    public static Path nushellModule() {
        return repoRoot().resolve("nushell/provisioning.nu");
    }
}
