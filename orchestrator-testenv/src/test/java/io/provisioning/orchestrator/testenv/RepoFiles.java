package io.provisioning.orchestrator.testenv;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped docker/ files the tests read. */
public final class RepoFiles {
    private RepoFiles() {}

    public static Path root() {
        String root = System.getProperty("orchestrator.repo.root");
        Path path = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
        if (!Files.isDirectory(path.resolve("docker/taskservs"))) {
            throw new IllegalStateException("cannot find the repository root (with docker/taskservs) at " + path);
        }
        return path;
    }

    public static Path catalog() {
        return root().resolve("docker/taskservs/catalog.yaml");
    }

    public static Path topologies() {
        return root().resolve("docker/topologies.yaml");
    }
}
