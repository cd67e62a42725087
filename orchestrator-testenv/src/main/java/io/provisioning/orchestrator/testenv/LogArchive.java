package io.provisioning.orchestrator.testenv;

import com.fasterxml.jackson.core.type.TypeReference;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.testenv.docker.ContainerRuntime.LogLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps the container logs of environments whose containers are gone (auto_cleanup), under
 * {@code <data-dir>/testenv/logs/<id>/<node>.json}, so GET …/logs still answers after cleanup.
 */
public final class LogArchive {
    private final Path root;

    public LogArchive(Path root) {
        this.root = root;
    }

    void save(String environmentId, ContainerLogs logs) {
        try {
            Path dir = Files.createDirectories(root.resolve(environmentId));
            Path temp = dir.resolve("." + logs.node() + ".json.tmp");
            Json.mapper().writeValue(temp.toFile(), logs);
            Files.move(temp, dir.resolve(logs.node() + ".json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive the logs of " + logs.container(), e);
        }
    }

    List<ContainerLogs> read(String environmentId) {
        Path dir = root.resolve(environmentId);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")
                            && !f.getFileName().toString().startsWith("."))
                    .sorted(Comparator.naturalOrder())
                    .map(f -> {
                        try {
                            return Json.mapper().readValue(f.toFile(), new TypeReference<ContainerLogs>() {});
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete(String environmentId) {
        Path dir = root.resolve(environmentId);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs of one container. */
    public record ContainerLogs(String container, String node, boolean archived, List<LogLine> lines) {}
}
