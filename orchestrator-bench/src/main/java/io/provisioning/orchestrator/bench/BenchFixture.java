package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.server.ServerOptions;
import io.provisioning.orchestrator.task.TaskBuilder;
import io.provisioning.orchestrator.workflow.WorkflowKind;
import io.provisioning.orchestrator.workflow.WorkflowPlanner;
import io.provisioning.orchestrator.workflow.WorkflowRequest;
import io.provisioning.orchestrator.workflow.WorkflowRequestParser;
import io.provisioning.orchestrator.workflow.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every benchmark submits: one servers-create workflow against the {@code bench/} workspace,
 * planned exactly as the API plans it, so the engine-only runs store the same tasks the HTTP runs do.
 */
final class BenchFixture {
    static final String BODY = body(1);
    private static final java.util.concurrent.atomic.AtomicLong SERVERS = new java.util.concurrent.atomic.AtomicLong();

    /** The workflow body for server {@code web-<n>}: each task its own server, so the per-server limit never serializes them. */
    static String body(long n) {
        return "{\"infra\": \"production\", \"settings\": \"settings.yaml\", "
                + "\"servers\": [\"web-" + n + "\"], \"check_mode\": false, \"wait\": false}";
    }

    static String nextBody() {
        return body(SERVERS.incrementAndGet());
    }

    /** The next workflow body with an explicit {@code priority} (0..100). */
    static String nextBody(int priority) {
        String body = nextBody();
        return body.substring(0, body.length() - 1) + ", \"priority\": " + priority + "}";
    }

    private final Path workspace;
    private final Path provisioningPath;
    private final String nuPath;
    private final Path dataRoot;
    private final WorkflowPlanner planner;
    private final WorkflowRequest request;

    BenchFixture(Path benchDir, String nuPath, Path dataRoot) {
        this.workspace = benchDir.toAbsolutePath().normalize();
        this.provisioningPath = workspace.resolve("trivial.nu");
        this.nuPath = nuPath;
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        if (!Files.isRegularFile(provisioningPath)) {
            throw new IllegalArgumentException("no benchmark script at " + provisioningPath + " (--bench-dir)");
        }
        this.planner = new WorkflowPlanner(nuPath, provisioningPath.toString(), 3, 3600);
        try {
            this.request = new WorkflowRequestParser(new Workspace(workspace))
                    .parse(WorkflowKind.SERVERS, Json.mapper().readTree(BODY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh task (new id) for the benchmark's workflow. */
    TaskBuilder task() {
        return task(request.priority());
    }

    /** The same with the given priority ({@code null}: the planner's default). */
    TaskBuilder task(Integer priority) {
        long n = SERVERS.incrementAndGet();
        return planner.plan(request.toBuilder().servers(List.of("web-" + n)).priority(priority).build());
    }

    Path workspace() {
        return workspace;
    }

    Path provisioningPath() {
        return provisioningPath;
    }

    String nuPath() {
        return nuPath;
    }

    ServerOptions serverOptions(Path dataDir, int workers) {
        return serverOptions(dataDir, workers, Duration.ofSeconds(30));
    }

    ServerOptions serverOptions(Path dataDir, int workers, Duration shutdownGrace) {
        return new ServerOptions("127.0.0.1", 0, dataDir, "filesystem", Map.of(), nuPath, provisioningPath,
                workspace, workers, 3, 3600, Duration.ofSeconds(1), Duration.ofMinutes(5), shutdownGrace, 262_144,
                io.provisioning.orchestrator.engine.ConcurrencyLimits.defaults(), 10L << 20, Duration.ofDays(7));
    }

    /** An empty data directory of its own for one run; {@link #delete} it afterwards. */
    Path newDataDir(String name) {
        try {
            Files.createDirectories(dataRoot);
            return Files.createTempDirectory(dataRoot, "orchestrator-bench-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dataRoot() {
        return dataRoot;
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
