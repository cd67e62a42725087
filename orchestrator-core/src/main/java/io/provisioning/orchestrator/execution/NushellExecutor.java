package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task as {@code <nu> <provisioning-path> <words...>}: an argument list handed to the OS,
 * never a shell string. The working directory is the workspace; the environment tells the script
 * which task and attempt it is and where the orchestrator and its state directory are, and holds
 * nothing else of the server's environment but the allow-list of {@link ScriptEnvironment}.
 *
 * <p>Each attempt runs under a watchdog that {@link AttemptLauncher} forks from one long-lived perl
 * process ({@code attempt-launcher.pl}): a session of its own, so the attempt's whole tree is one
 * process group; held until the claim with the tree's pid, group and start time is stored; ended with
 * the orchestrator, because the watchdog ends the group when its control connection to this JVM
 * closes, which the kernel does when the JVM dies.
 */
public final class NushellExecutor implements TaskExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(NushellExecutor.class);
    private static final int OUTPUT_TAIL_CHARS = 64 * 1024;
    private static final int ERROR_TAIL_CHARS = 8 * 1024;
    /** A longer output line is cut to this many characters, with a marker. */
    public static final int MAX_LINE_CHARS = 64 * 1024;
    /** How long a watchdog may take to say it is ready (a fork of the launcher, three connections). */
    private static final Duration READY = Duration.ofSeconds(30);
    /** How long an ended tree may take to show gone in /proc after its KILL. */
    private static final Duration PROOF = Duration.ofSeconds(10);

    private final Settings settings;
    private final AttemptLauncher launcher;
    private final Map<String, Attempt> running = new ConcurrentHashMap<>();
    /** Cancels that arrived between the claim and the process start. */
    private final Set<String> cancelBeforeStart = ConcurrentHashMap.newKeySet();

    /**
     * Where scripts run and what they are told; {@code node} names this orchestrator in the attempt
     * records, {@code perl} runs the watchdog.
     */
    public record Settings(Path workspace, Path stateDir, Supplier<String> orchestratorUrl, Duration killGrace,
            String node, String perl, ScriptEnvironment environment) {
        public Settings(Path workspace, Path stateDir, Supplier<String> orchestratorUrl, Duration killGrace) {
            this(workspace, stateDir, orchestratorUrl, killGrace, defaultNode(), "perl", ScriptEnvironment.standard());
        }

        public Settings(Path workspace, Path stateDir, Supplier<String> orchestratorUrl, Duration killGrace,
                String node, String perl) {
            this(workspace, stateDir, orchestratorUrl, killGrace, node, perl, ScriptEnvironment.standard());
        }

        /** {@code environment}: what of the server's environment scripts see (an allow-list). */
        public Settings(Path workspace, Path stateDir, Supplier<String> orchestratorUrl, Duration killGrace,
                ScriptEnvironment environment) {
            this(workspace, stateDir, orchestratorUrl, killGrace, defaultNode(), "perl", environment);
        }
    }

    public NushellExecutor(Settings settings) {
        this.settings = settings;
        this.launcher = AttemptLauncher.of(settings.perl());
    }

    @Override
    public PreparedAttempt prepare(Task pending) {
        return launch(pending, pending.attempts() + 1);
    }

    @Override
    public ExecutionResult execute(Task task, ExecutionListener listener) {
        int attempt = task.status() == TaskStatus.Pending ? task.attempts() + 1 : task.attempts();
        return launch(task, attempt).run(task, listener);
    }

    @Override
    public boolean cancel(String taskId) {
        Attempt attempt = running.get(taskId);
        if (attempt == null) {
            cancelBeforeStart.add(taskId);
            return false;
        }
        attempt.cancelled = true;
        attempt.end();
        return true;
    }

    @Override
    public boolean interrupt(String taskId, String reason) {
        Attempt attempt = running.get(taskId);
        if (attempt == null) {
            return false;
        }
        if (attempt.isOver() || ProcessTree.isGone(attempt.tree)) {
            return true; // over already; how it ended is its outcome
        }
        attempt.interruptedBecause = reason;
        return attempt.kill();
    }

    /** Starts the watchdog, held before the script, and learns the tree it leads. */
    private Attempt launch(Task task, int attempt) {
        checkRunnable(task);
        Map<String, String> env = settings.environment().from(System.getenv());
        env.put("PROVISIONING_TASK_ID", task.id());
        env.put("PROVISIONING_ATTEMPT", Integer.toString(attempt));
        env.put("PROVISIONING_ORCHESTRATOR_URL", settings.orchestratorUrl().get());
        env.put("PROVISIONING_STATE_DIR", settings.stateDir().toString());
        env.put("PROVISIONING_WORKSPACE", settings.workspace().toString());
        env.put("NO_COLOR", "1");
        Watchdog watchdog = launcher.start(task.commandLine(), settings.workspace(), env, settings.killGrace(), READY);
        ProcStat leader = ProcStat.of(watchdog.pid()).orElse(null);
        if (leader == null || leader.pgid() != watchdog.pid() || leader.sid() != watchdog.pid()) {
            watchdog.close();
            throw new AttemptRejectedException("the attempt watchdog " + watchdog.pid() + " is not a session leader in /proc");
        }
        AttemptProcess tree = new AttemptProcess(watchdog.pid(), leader.pgid(), leader.startTicks(), settings.node(),
                ProcessTree.host(), Instant.now());
        return new Attempt(task, watchdog, tree);
    }

    /** What a retry cannot fix is refused before anything runs. */
    private void checkRunnable(Task task) {
        if (!Files.isDirectory(settings.workspace())) {
            throw new AttemptRejectedException("the workspace " + settings.workspace() + " is not a directory");
        }
        String interpreter = task.command();
        if (interpreter.contains("/") ? !Files.isExecutable(Path.of(interpreter)) : !onPath(interpreter)) {
            throw new AttemptRejectedException("the interpreter " + interpreter + " is not an executable file");
        }
        if (!task.args().isEmpty() && task.args().get(0).startsWith("/") && !Files.isReadable(Path.of(task.args().get(0)))) {
            throw new AttemptRejectedException("the provisioning script " + task.args().get(0) + " cannot be read");
        }
    }

    private static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** One attempt's watchdog and tree, from launch to proven end. */
    private final class Attempt implements PreparedAttempt {
        private final Task task;
        private final Watchdog watchdog;
        private final AttemptProcess tree;
        private volatile boolean cancelled;
        private volatile String interruptedBecause;
        private volatile boolean over;

        Attempt(Task task, Watchdog watchdog, AttemptProcess tree) {
            this.task = task;
            this.watchdog = watchdog;
            this.tree = tree;
        }

        @Override
        public AttemptProcess process() {
            return tree;
        }

        @Override
        public void abandon() {
            watchdog.requestEnd(); // the watchdog exits without running anything
            try {
                if (launcher.awaitReaped(tree.pid(), Duration.ofSeconds(5)).isEmpty()) {
                    ProcessTree.end(tree, Duration.ZERO, PROOF);
                }
            } catch (InterruptedException e) {
                ProcessHandle.of(tree.pid()).ifPresent(ProcessHandle::destroyForcibly);
                Thread.currentThread().interrupt();
            } finally {
                launcher.forget(tree.pid());
                watchdog.close();
            }
        }

        @Override
        public ExecutionResult run(Task claimed, ExecutionListener listener) {
            BoundedText stdoutTail = new BoundedText(OUTPUT_TAIL_CHARS);
            BoundedText stderrTail = new BoundedText(ERROR_TAIL_CHARS);
            running.put(claimed.id(), this);
            try {
                if (cancelBeforeStart.remove(claimed.id())) {
                    cancelled = true;
                    abandon();
                    return new ExecutionResult(ExecutionResult.Outcome.CANCELLED, null, "", "cancelled before it started");
                }
                if (!watchdog.go()) {
                    abandon();
                    return new ExecutionResult(ExecutionResult.Outcome.FAILED, null, "", "the attempt watchdog went away");
                }
                Thread out = pump(reader(watchdog.stdout()), line -> {
                    var progress = ProgressLine.parse(line);
                    if (progress.isPresent()) {
                        listener.onProgress(progress.get());
                    } else {
                        stdoutTail.add(line);
                        listener.onLine("stdout", line);
                    }
                });
                Thread err = pump(reader(watchdog.stderr()), line -> {
                    stderrTail.add(line);
                    listener.onLine("stderr", line);
                });
                Watchdog.Report report = null;
                boolean finished;
                try {
                    report = watchdog.report().get(claimed.timeoutSeconds(), TimeUnit.SECONDS);
                    finished = true;
                } catch (TimeoutException e) {
                    finished = false;
                } catch (ExecutionException e) {
                    finished = true; // never: the report completes with null when there is none
                }
                Integer exit;
                if (!finished) {
                    end();
                    exit = null;
                } else {
                    exit = settle(report);
                }
                over = true;
                // a process that left the group but kept the pipes open must not hold the worker forever
                out.join(Duration.ofSeconds(5));
                err.join(Duration.ofSeconds(5));
                // a script that exited 0 before the KILL reached it did its work: that outcome stands
                if (interruptedBecause != null && !(finished && exit != null && exit == 0)) {
                    listener.onLine("stderr", interruptedBecause);
                    return new ExecutionResult(ExecutionResult.Outcome.INTERRUPTED, null, stdoutTail.toString(),
                            interruptedBecause);
                }
                if (!finished) {
                    String reason = "timed out after " + claimed.timeoutSeconds() + "s; process tree killed";
                    listener.onLine("stderr", reason);
                    return new ExecutionResult(ExecutionResult.Outcome.TIMED_OUT, null, stdoutTail.toString(), reason);
                }
                if (cancelled) {
                    return new ExecutionResult(ExecutionResult.Outcome.CANCELLED, null, stdoutTail.toString(),
                            "cancelled while running");
                }
                if (exit == null) {
                    return new ExecutionResult(ExecutionResult.Outcome.FAILED, null, stdoutTail.toString(),
                            "the attempt watchdog went away" + (stderrTail.isEmpty() ? "" : ": " + stderrTail));
                }
                if (exit == 0) {
                    return new ExecutionResult(ExecutionResult.Outcome.SUCCEEDED, 0, stdoutTail.toString(), null);
                }
                String reason = "exit code " + exit + (stderrTail.isEmpty() ? "" : ": " + stderrTail);
                return new ExecutionResult(ExecutionResult.Outcome.FAILED, exit, stdoutTail.toString(), reason);
            } catch (InterruptedException e) {
                end();
                Thread.currentThread().interrupt();
                return new ExecutionResult(ExecutionResult.Outcome.INTERRUPTED, null, stdoutTail.toString(),
                        "interrupted: the orchestrator is shutting down");
            } finally {
                running.remove(claimed.id());
                launcher.forget(tree.pid());
                watchdog.close();
            }
        }

        /**
         * The script exited (or the watchdog ended without a word): returns the script's exit code, null
         * if unknown, once the tree is proven gone. When the watchdog found nothing left (as a child
         * subreaper: no child of its own, so no descendant; else a /proc scan) and then exited (its
         * control connection ended), that is the proof; else what is left is ended and proven gone
         * here, through /proc.
         */
        private Integer settle(Watchdog.Report report) throws InterruptedException {
            if (report != null && report.gone()) {
                return report.code();
            }
            Optional<Integer> reaped = report == null ? launcher.awaitReaped(tree.pid(), Duration.ofSeconds(5))
                    : Optional.empty();
            sweep(); // what the script left behind in its group does not outlive the attempt
            return report != null ? Integer.valueOf(report.code()) : reaped.orElse(null);
        }

        /** True once this attempt's script has ended and its tree is proven gone. */
        boolean isOver() {
            return over;
        }

        /** Ends the tree: the watchdog TERMs the group and KILLs it after the grace; then proves it gone. */
        void end() {
            watchdog.requestEnd();
            boolean interrupted = Thread.interrupted();
            try {
                launcher.awaitReaped(tree.pid(), Duration.ofMillis(settings.killGrace().toMillis() + 2_000));
                if (!ProcessTree.end(tree, Duration.ZERO, PROOF)) {
                    LOG.error("the process tree of task {} (group {}) outlived its KILL: {}", task.id(), tree.pgid(),
                            ProcessTree.members(tree));
                }
            } catch (InterruptedException e) {
                interrupted = true;
                ProcessHandle.of(tree.pid()).ifPresent(ProcessHandle::destroyForcibly);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** KILLs the whole group now, no grace (the watchdog, its session's leader, goes with it); true once proven gone. */
        boolean kill() {
            watchdog.requestEnd();
            boolean interrupted = Thread.interrupted();
            try {
                boolean gone = ProcessTree.end(tree, Duration.ZERO, PROOF);
                if (!gone) {
                    LOG.error("the process tree of task {} (group {}) outlived its KILL: {}", task.id(), tree.pgid(),
                            ProcessTree.members(tree));
                }
                return gone;
            } catch (InterruptedException e) {
                interrupted = true;
                ProcessHandle.of(tree.pid()).ifPresent(ProcessHandle::destroyForcibly);
                return false;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void sweep() throws InterruptedException {
            if (!ProcessTree.isGone(tree) && !ProcessTree.end(tree, settings.killGrace(), PROOF)) {
                LOG.error("processes task {} left in group {} outlived their KILL", task.id(), tree.pgid());
            }
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static Thread pump(BufferedReader reader, Consumer<String> sink) {
        return Thread.ofVirtual().start(() -> {
            try (reader) {
                BoundedLineReader lines = new BoundedLineReader(reader, MAX_LINE_CHARS);
                String line;
                while ((line = lines.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                LOG.debug("output stream closed: {}", e.getMessage());
            }
        });
    }

    private static String defaultNode() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}
