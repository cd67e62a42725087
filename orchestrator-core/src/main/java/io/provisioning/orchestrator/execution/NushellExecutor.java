package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.Task;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task as {@code <nu> <provisioning-path> <words...>}: an argument list handed to the OS,
 * never a shell string. The working directory is the workspace; the environment tells the script
 * which task and attempt it is and where the orchestrator and its state directory are, and holds
 * nothing else of the server's environment but the allow-list of {@link ScriptEnvironment}.
 */
public final class NushellExecutor implements TaskExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(NushellExecutor.class);
    private static final int OUTPUT_TAIL_CHARS = 64 * 1024;
    private static final int ERROR_TAIL_CHARS = 8 * 1024;

    private final Settings settings;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** Cancels that arrived between the claim and the process start. */
    private final java.util.Set<String> cancelBeforeStart = ConcurrentHashMap.newKeySet();

    /** Where scripts run and what they are told. */
    public record Settings(Path workspace, Path stateDir, java.util.function.Supplier<String> orchestratorUrl,
            Duration killGrace, ScriptEnvironment environment) {
        /** With the standard allow-listed environment (no operator additions). */
        public Settings(Path workspace, Path stateDir, java.util.function.Supplier<String> orchestratorUrl,
                Duration killGrace) {
            this(workspace, stateDir, orchestratorUrl, killGrace, ScriptEnvironment.standard());
        }
    }

    private record Running(Process process, boolean[] cancelled) {}

    public NushellExecutor(Settings settings) {
        this.settings = settings;
    }

    @Override
    public ExecutionResult execute(Task task, ExecutionListener listener) {
        ProcessBuilder builder = new ProcessBuilder(task.commandLine())
                .directory(settings.workspace().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        settings.environment().applyTo(builder);
        Map<String, String> env = builder.environment();
        env.put("PROVISIONING_TASK_ID", task.id());
        env.put("PROVISIONING_ATTEMPT", Integer.toString(task.attempts()));
        env.put("PROVISIONING_ORCHESTRATOR_URL", settings.orchestratorUrl().get());
        env.put("PROVISIONING_STATE_DIR", settings.stateDir().toString());
        env.put("PROVISIONING_WORKSPACE", settings.workspace().toString());
        env.put("NO_COLOR", "1");

        BoundedText stdoutTail = new BoundedText(OUTPUT_TAIL_CHARS);
        BoundedText stderrTail = new BoundedText(ERROR_TAIL_CHARS);
        {
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                String reason = "could not start " + task.command() + ": " + e.getMessage();
                listener.onLine("stderr", reason);
                return new ExecutionResult(ExecutionResult.Outcome.FAILED, null, "", reason);
            }
            boolean[] cancelled = {false};
            running.put(task.id(), new Running(process, cancelled));
            if (cancelBeforeStart.remove(task.id())) {
                cancelled[0] = true;
                ProcessTree.terminate(process, settings.killGrace());
            }
            try {
                Thread out = pump(process.getInputStream(), line -> {
                    var progress = ProgressLine.parse(line);
                    if (progress.isPresent()) {
                        listener.onProgress(progress.get());
                    } else {
                        stdoutTail.add(line);
                        listener.onLine("stdout", line);
                    }
                });
                Thread err = pump(process.getErrorStream(), line -> {
                    stderrTail.add(line);
                    listener.onLine("stderr", line);
                });
                boolean finished = process.waitFor(task.timeoutSeconds(), TimeUnit.SECONDS);
                if (!finished) {
                    ProcessTree.terminate(process, settings.killGrace());
                }
                // a grandchild that kept the pipes open must not hold the worker forever
                out.join(Duration.ofSeconds(5));
                err.join(Duration.ofSeconds(5));
                if (!finished) {
                    String reason = "timed out after " + task.timeoutSeconds() + "s; process tree killed";
                    listener.onLine("stderr", reason);
                    return new ExecutionResult(ExecutionResult.Outcome.TIMED_OUT, null, stdoutTail.toString(), reason);
                }
                if (cancelled[0]) {
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
                ProcessTree.terminate(process, settings.killGrace());
                Thread.currentThread().interrupt();
                return new ExecutionResult(ExecutionResult.Outcome.INTERRUPTED, null, stdoutTail.toString(),
                        "interrupted: the orchestrator is shutting down");
            } finally {
                running.remove(task.id());
            }
        }
    }

    @Override
    public boolean cancel(String taskId) {
        Running run = running.get(taskId);
        if (run == null) {
            cancelBeforeStart.add(taskId);
            return false;
        }
        run.cancelled()[0] = true;
        ProcessTree.terminate(run.process(), settings.killGrace());
        return true;
    }

    private static Thread pump(InputStream stream, java.util.function.Consumer<String> sink) {
        return Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                LOG.debug("output stream closed: {}", e.getMessage());
            }
        });
    }
}
