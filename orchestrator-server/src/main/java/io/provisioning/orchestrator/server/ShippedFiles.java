package io.provisioning.orchestrator.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shipped docker/ files are when no flag names them: under the orchestrator's home
 * ({@code -Dorchestrator.home} or {@code ORCHESTRATOR_HOME}, as bin/orchestrator sets it), else in
 * the nearest folder at or above the working directory that has them (a module of the repository,
 * e.g. when tests start the server from there).
 */
final class ShippedFiles {
    private ShippedFiles() {}

    static Path find(Path home, boolean homeGiven, String relative) {
        Path inHome = home.resolve(relative).toAbsolutePath().normalize();
        if (homeGiven || Files.isRegularFile(inHome)) {
            return inHome;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        return inHome;
    }
}
