package io.provisioning.orchestrator.cli.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real orchestrator server (OrchestratorMain, the same flags as bin/orchestrator) in its own
 * process on a free port, running the real {@code nu}. {@link #shared()} runs a small test library
 * whose server names choose the outcome; {@link #withShippedLibrary()} runs the shipped
 * provisioning/main.nu in a copy of the shipped workspace. Each is started once per JVM and
 * stopped when the JVM exits.
 */
public final class RealOrchestrator {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+:\\d+)");
    private static RealOrchestrator shared;
    private static RealOrchestrator shipped;
    private static RealOrchestrator withAuth;
    private static IllegalStateException withAuthFailure;

    private final Process process;
    private final String url;
    private final Path home;

    private RealOrchestrator(Process process, String url, Path home) {
        this.process = process;
        this.url = url;
        this.home = home;
    }

    /** The server every test class uses; started on first call. */
    public static synchronized RealOrchestrator shared() {
        if (shared == null) {
            shared = stoppedAtExit(start(false));
        }
        return shared;
    }

    /** The server on the shipped library and example workspace, as a fresh install runs it. */
    public static synchronized RealOrchestrator withShippedLibrary() {
        if (shipped == null) {
            shipped = stoppedAtExit(start(true));
        }
        return shipped;
    }

    /**
     * The test-library server with authentication on: HS256 tokens signed with {@link #AUTH_SECRET}
     * (the server flag {@code --auth-hs256-secret-file}).
     */
    public static synchronized RealOrchestrator withAuthentication() {
        if (withAuthFailure != null) {
            throw withAuthFailure; // tried once in this JVM; do not start a failing server for every test
        }
        if (withAuth == null) {
            try {
                Path secret = Files.createTempFile("cli-test-secret", ".txt");
                secret.toFile().deleteOnExit();
                Files.writeString(secret, AUTH_SECRET);
                withAuth = stoppedAtExit(start(false, "--auth-hs256-secret-file", secret.toString()));
            } catch (IOException | RuntimeException e) {
                withAuthFailure = new IllegalStateException("no orchestrator with authentication", e);
                throw withAuthFailure;
            }
        }
        return withAuth;
    }

    /** A server of its own (for tests that change it, such as moving its storage); stop it with {@link #close()}. */
    public static RealOrchestrator dedicated(String... extraFlags) {
        return stoppedAtExit(start(false, extraFlags));
    }

    public void close() {
        stop();
    }

    public static final String AUTH_SECRET = "cli-tests-shared-secret-of-at-least-32-bytes";

    private static RealOrchestrator stoppedAtExit(RealOrchestrator server) {
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    public String url() {
        return url;
    }

    public Path home() {
        return home;
    }

    /** Lets a {@code hold-*} task of the test library finish. */
    public void release(String server) {
        try {
            Path state = Files.createDirectories(home.resolve("data/state"));
            Files.writeString(state.resolve("release-" + server), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RealOrchestrator start(boolean shippedLibrary, String... extraFlags) {
        try {
            Path home = Files.createTempDirectory("cli-test-orchestrator");
            Path workspace = Files.createDirectories(home.resolve("workspace"));
            Path library;
            if (shippedLibrary) {
                Files.copy(TestPaths.repoRoot().resolve("workspace/settings.yaml"), workspace.resolve("settings.yaml"));
                library = TestPaths.repoRoot().resolve("provisioning/main.nu");
            } else {
                Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
                library = fixtureLibrary();
            }
            List<String> command = new ArrayList<>(List.of(
                    javaBinary(), "-cp", System.getProperty("java.class.path"),
                    "io.provisioning.orchestrator.server.OrchestratorMain",
                    "--host", "127.0.0.1", "--port", "0",
                    "--data-dir", home.resolve("data").toString(),
                    "--nu-path", TestPaths.nu().toString(),
                    "--provisioning-path", library.toString(),
                    "--workspace", workspace.toString(),
                    "--workers", "4", "--max-attempts", "1",
                    "--retry-base-delay-ms", "100", "--shutdown-grace-seconds", "2"));
            command.addAll(List.of(extraFlags));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Path log = home.resolve("server.log");
            CompletableFuture<String> listening = new CompletableFuture<>();
            Thread.ofPlatform().daemon().name("orchestrator-log").start(() -> pump(process, log, listening));
            try {
                return new RealOrchestrator(process, listening.get(90, TimeUnit.SECONDS), home);
            } catch (Exception e) {
                process.destroyForcibly();
                deleteQuietly(home);
                throw e;
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not start the orchestrator for the CLI tests", e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<String> listening) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
            String line;
            String last = "";
            while ((line = reader.readLine()) != null) {
                out.println(line);
                last = line;
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) {
                    listening.complete(m.group(1));
                }
            }
            listening.completeExceptionally(new IllegalStateException("the server exited: " + last + " (see " + log + ")"));
        } catch (IOException e) {
            listening.completeExceptionally(new UncheckedIOException(e));
        }
    }

    private static Path fixtureLibrary() throws URISyntaxException {
        return Path.of(RealOrchestrator.class.getResource("/fixture-library/main.nu").toURI());
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteQuietly(home);
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is not worth failing the run for
        }
    }
}
