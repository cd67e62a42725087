package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * <p>Each attempt runs under a watchdog ({@code attempt-watchdog.pl}, run by {@code setsid perl}): a
 * session of its own, so the attempt's whole tree is one process group; held until the claim with the
 * tree's pid, group and start time is stored; ended with the orchestrator, because the watchdog
 * ends the group when the pipe from this JVM closes, which the kernel does when the JVM dies.
 */
public final class NushellExecutor implements TaskExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(NushellExecutor.class);
    private static final int OUTPUT_TAIL_CHARS = 64 * 1024;
    private static final int ERROR_TAIL_CHARS = 8 * 1024;
    /** A longer output line is cut to this many characters, with a marker. */
    public static final int MAX_LINE_CHARS = 64 * 1024;
    private static final String WATCHDOG = readWatchdog();
    /** util-linux: runs the watchdog as a session leader (in place: a child of this JVM is never a group leader). */
    private static final String SETSID = "setsid";
    /** How long an ended tree may take to show gone in /proc after its KILL. */
    private static final Duration PROOF = Duration.ofSeconds(10);

    private final Settings settings;
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
        if (!attempt.process.isAlive() && ProcessTree.isGone(attempt.tree)) {
            return true; // over already; how it ended is its outcome
        }
        attempt.interruptedBecause = reason;
        return attempt.kill();
    }

    /** Starts the watchdog, held before the script, and learns the tree it leads. */
    private Attempt launch(Task task, int attempt) {
        checkRunnable(task);
        List<String> command = new ArrayList<>(List.of(SETSID, settings.perl(), "-e", WATCHDOG, "--",
                Long.toString(settings.killGrace().toMillis())));
        command.addAll(task.commandLine());
        ProcessBuilder builder = new ProcessBuilder(command).directory(settings.workspace().toFile());
        settings.environment().applyTo(builder);
        Map<String, String> env = builder.environment();
        env.put("PROVISIONING_TASK_ID", task.id());
        env.put("PROVISIONING_ATTEMPT", Integer.toString(attempt));
        env.put("PROVISIONING_ORCHESTRATOR_URL", settings.orchestratorUrl().get());
        env.put("PROVISIONING_STATE_DIR", settings.stateDir().toString());
        env.put("PROVISIONING_WORKSPACE", settings.workspace().toString());
        env.put("NO_COLOR", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AttemptRejectedException("could not start the attempt watchdog (" + SETSID + " " + settings.perl()
                    + ", needed to own the attempt's process tree): " + e.getMessage());
        }
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String ready = stdout.readLine();
            if (ready == null || !ready.equals("watchdog-ready " + process.pid())) {
                process.destroyForcibly();
                throw new AttemptRejectedException("the attempt watchdog did not start: "
                        + (ready == null ? "it exited with " + exitOf(process) : ready));
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("cannot read from the attempt watchdog", e);
        }
        ProcStat leader = ProcStat.of(process.pid()).orElseThrow(() ->
                new AttemptRejectedException("the attempt watchdog " + process.pid() + " is not in /proc"));
        AttemptProcess tree = new AttemptProcess(process.pid(), leader.pgid(), leader.startTicks(), settings.node(),
                ProcessTree.host(), Instant.now());
        return new Attempt(task, process, stdout, tree);
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
        private final Process process;
        private final BufferedReader stdout;
        private final AttemptProcess tree;
        private volatile boolean cancelled;
        private volatile String interruptedBecause;

        Attempt(Task task, Process process, BufferedReader stdout, AttemptProcess tree) {
            this.task = task;
            this.process = process;
            this.stdout = stdout;
            this.tree = tree;
        }

        @Override
        public AttemptProcess process() {
            return tree;
        }

        @Override
        public void abandon() {
            closeStdin(); // the watchdog exits without running anything
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
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
                if (!go()) {
                    abandon();
                    return new ExecutionResult(ExecutionResult.Outcome.FAILED, null, "", "the attempt watchdog went away");
                }
                Thread out = pump(stdout, line -> {
                    var progress = ProgressLine.parse(line);
                    if (progress.isPresent()) {
                        listener.onProgress(progress.get());
                    } else {
                        stdoutTail.add(line);
                        listener.onLine("stdout", line);
                    }
                });
                Thread err = pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
                        line -> {
                            stderrTail.add(line);
                            listener.onLine("stderr", line);
                        });
                boolean finished = process.waitFor(claimed.timeoutSeconds(), TimeUnit.SECONDS);
                if (!finished) {
                    end();
                } else {
                    sweep(); // what the script left behind in its group does not outlive the attempt
                }
                // a process that left the group but kept the pipes open must not hold the worker forever
                out.join(Duration.ofSeconds(5));
                err.join(Duration.ofSeconds(5));
                // a script that exited 0 before the KILL reached it did its work: that outcome stands
                if (interruptedBecause != null && !(finished && process.exitValue() == 0)) {
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
                int exit = process.exitValue();
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
            }
        }

        private boolean go() {
            try {
                OutputStream in = process.getOutputStream();
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                in.flush(); // stays open: its closing is the watchdog's sign to end the tree
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** Ends the tree: the watchdog TERMs the group and KILLs it after the grace; then proves it gone. */
        void end() {
            closeStdin();
            boolean interrupted = Thread.interrupted();
            try {
                if (!process.waitFor(settings.killGrace().toMillis() + 2_000, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
                if (!ProcessTree.end(tree, Duration.ZERO, PROOF)) {
                    LOG.error("the process tree of task {} (group {}) outlived its KILL: {}", task.id(), tree.pgid(),
                            ProcessTree.members(tree));
                }
            } catch (InterruptedException e) {
                interrupted = true;
                process.destroyForcibly();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** KILLs the whole group now, no grace (the watchdog, its session's leader, goes with it); true once proven gone. */
        boolean kill() {
            closeStdin();
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
                process.destroyForcibly();
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

        private void closeStdin() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                LOG.debug("closing the watchdog's stdin: {}", e.getMessage());
            }
        }
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

    private static String exitOf(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "nothing yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
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

    private static String readWatchdog() {
        try (InputStream in = NushellExecutor.class.getResourceAsStream("attempt-watchdog.pl")) {
            if (in == null) {
                throw new IllegalStateException("attempt-watchdog.pl is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
