package io.provisioning.orchestrator.cli.support;

import io.provisioning.orchestrator.cli.ProvisioningCli;
import io.provisioning.orchestrator.cli.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code provisioning} in-process (through its real entry point minus System.exit) or as a process. */
public final class Cli {
    private final Map<String, String> env = new HashMap<>();
    private String stdin = "";
    private boolean terminal;

    private Cli(String url) {
        if (url != null) {
            env.put(Session.URL_VARIABLE, url);
        }
    }

    /** A CLI pointed at a server through PROVISIONING_URL. */
    public static Cli against(String url) {
        return new Cli(url);
    }

    public Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Cli stdin(String text) {
        this.stdin = text;
        return this;
    }

    /** Pretend stdout is a terminal (in-process only; a real one is {@link #inPseudoTerminal}). */
    public Cli onTerminal() {
        this.terminal = true;
        return this;
    }

    public CliResult run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Session session = new Session(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, terminal);
        int code = ProvisioningCli.run(session, args);
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code java ... ProvisioningCli args} as its own process: the real main, System.exit included. */
    public CliResult runProcess(String... args) {
        List<String> command = javaCommand();
        command.addAll(List.of(args));
        return exec(command, null);
    }

    /**
     * Runs the CLI under {@code script(1)}, which gives it a pseudo-terminal for stdin and stdout
     * (stderr shares it); {@code shellSuffix} is appended to the command line (e.g. {@code "| cat"}).
     */
    public CliResult inPseudoTerminal(String shellSuffix, String... args) {
        return startInPseudoTerminal(shellSuffix, args).result();
    }

    /** The same, without waiting: the test can read the screen so far and act on it. */
    public Running startInPseudoTerminal(String shellSuffix, String... args) {
        try {
            Path script = Files.createTempFile("cli-pty", ".sh");
            StringBuilder line = new StringBuilder();
            for (String word : javaCommand()) {
                line.append(quote(word)).append(' ');
            }
            for (String arg : args) {
                line.append(quote(arg)).append(' ');
            }
            line.append(shellSuffix);
            Files.writeString(script, "#!/bin/sh\n" + line + "\n");
            script.toFile().setExecutable(true);
            return start(List.of("script", "-qfec", script.toString(), "/dev/null"), null, script);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Any program with this CLI's environment (used for nu and bash). */
    public CliResult exec(List<String> command, Path directory) {
        return start(command, directory, null).result();
    }

    private Running start(List<String> command, Path directory, Path cleanup) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().remove("CI");
            builder.environment().remove(Session.URL_VARIABLE);
            builder.environment().remove(Session.TOKEN_VARIABLE);
            builder.environment().putAll(env);
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            return new Running(command, process, out, err, cleanup);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CLI (or nu, or bash) process that has been started. */
    public record Running(List<String> command, Process process, Path out, Path err, Path cleanup) {
        /** What it has written to stdout so far. */
        public String outputSoFar() {
            try {
                return Files.readString(out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public CliResult result() {
            try {
                if (!process.waitFor(600, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out: " + command);
                }
                CliResult result = new CliResult(process.exitValue(), Files.readString(out), Files.readString(err));
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
                if (cleanup != null) {
                    Files.deleteIfExists(cleanup);
                }
                return result;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<String> javaCommand() {
        return new ArrayList<>(List.of(RealOrchestrator.javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), ProvisioningCli.class.getName()));
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
