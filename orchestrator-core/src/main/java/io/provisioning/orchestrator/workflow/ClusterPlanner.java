package io.provisioning.orchestrator.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.BusyException;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.execution.ScriptEnvironment;
import io.provisioning.orchestrator.json.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Asks the provisioning library what a cluster is made of
 * ({@code nu <provisioning-path> cluster plan <type> --infra I --settings S}, which prints one JSON
 * object {@code {servers: [...], taskservs: [...]}}), so that settings are read in one place only.
 *
 * <p>At most {@link Limits#maxConcurrent()} planning processes run at once; a request over that is
 * refused at once with {@link BusyException} (429, {@code Retry-After}), never queued behind the
 * others. A plan that takes longer than {@link Limits#timeout()} has its whole process tree ended.
 * The process gets the allow-listed {@link ScriptEnvironment}, like a task's script.
 */
public final class ClusterPlanner {
    /** Cap on what one plan may print: a plan is a few names, not a log. */
    private static final int MAX_OUTPUT_CHARS = 256 * 1024;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    /** How many planning processes may run at once, and how long one may take. */
    public record Limits(int maxConcurrent, Duration timeout) {
        public static final Limits DEFAULTS = new Limits(2, Duration.ofSeconds(60));

        public Limits {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("at least one cluster planning process must be allowed");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the cluster planning timeout must be positive");
            }
        }
    }

    private final String nuPath;
    private final String provisioningPath;
    private final Path workspace;
    private final Limits limits;
    private final ScriptEnvironment environment;
    private final Semaphore slots;

    public ClusterPlanner(String nuPath, String provisioningPath, Path workspace) {
        this(nuPath, provisioningPath, workspace, Limits.DEFAULTS, ScriptEnvironment.standard());
    }

    public ClusterPlanner(String nuPath, String provisioningPath, Path workspace, Limits limits,
            ScriptEnvironment environment) {
        this.nuPath = nuPath;
        this.provisioningPath = provisioningPath;
        this.workspace = workspace;
        this.limits = limits;
        this.environment = environment;
        this.slots = new Semaphore(limits.maxConcurrent());
    }

    /** Planning processes running now. */
    public int running() {
        return limits.maxConcurrent() - slots.availablePermits();
    }

    public ClusterPlan plan(WorkflowRequest request) {
        if (!slots.tryAcquire()) {
            throw new BusyException(limits.maxConcurrent() + " cluster plans are already being made (the limit, "
                    + "--cluster-plan-limit); try again shortly", 1);
        }
        try {
            return run(request);
        } finally {
            slots.release();
        }
    }

    private ClusterPlan run(WorkflowRequest request) {
        List<String> command = List.of(nuPath, provisioningPath, "cluster", "plan", request.target(),
                "--infra", request.infra(), "--settings", request.settings());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workspace.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment.applyTo(builder);
        builder.environment().put("NO_COLOR", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new InvalidRequestException("cannot plan cluster " + request.target() + ": " + e.getMessage());
        }
        AtomicReference<String> lastError = new AtomicReference<>("");
        List<String> jsonLines = new ArrayList<>();
        Thread outPump = pump(process.getInputStream(), line -> {
            String stripped = line.strip();
            if (stripped.startsWith("{")) {
                synchronized (jsonLines) {
                    jsonLines.clear(); // only the last one counts
                    jsonLines.add(stripped.length() > MAX_OUTPUT_CHARS ? "{}" : stripped);
                }
            }
        });
        Thread errPump = pump(process.getErrorStream(), line -> {
            if (!line.isBlank()) {
                lastError.set(line.length() > 2000 ? line.substring(0, 2000) : line.strip());
            }
        });
        try {
            if (!process.waitFor(limits.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                endTree(process);
                throw new InvalidRequestException("planning cluster " + request.target() + " took longer than "
                        + limits.timeout().toSeconds() + "s; its process was ended");
            }
            outPump.join(Duration.ofSeconds(5));
            errPump.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            endTree(process);
            Thread.currentThread().interrupt();
            throw new InvalidRequestException("interrupted while planning the cluster");
        }
        if (process.exitValue() != 0) {
            String reason = lastError.get();
            throw new InvalidRequestException("cannot plan cluster " + request.target() + ": "
                    + Printable.quote(reason));
        }
        String last;
        synchronized (jsonLines) {
            last = jsonLines.isEmpty() ? "{}" : jsonLines.get(0);
        }
        try {
            JsonNode plan = Json.mapper().readTree(last);
            return new ClusterPlan(names(plan.path("servers"), "servers"), names(plan.path("taskservs"), "taskservs"));
        } catch (IOException e) {
            throw new InvalidRequestException("cannot plan cluster " + request.target() + ": its plan is not JSON");
        }
    }

    /** TERM to the plan and everything it started, then KILL to what is left after {@link #KILL_GRACE}. */
    private static void endTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception timedOutOrInterrupted) {
                // KILL below
            }
        }
        List<ProcessHandle> survivors = new ArrayList<>(process.descendants().toList());
        survivors.addAll(tree);
        survivors.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static Thread pump(InputStream stream, Consumer<String> sink) {
        return Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException closed) {
                // the process ended or was ended
            }
        });
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        for (JsonNode item : array) {
            names.add(Names.require("cluster plan " + field, item.asText()));
        }
        return names;
    }
}
