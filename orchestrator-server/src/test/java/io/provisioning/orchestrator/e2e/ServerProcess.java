package io.provisioning.orchestrator.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real server in its own JVM, started the way bin/orchestrator starts it, on a free
 * loopback port, so tests can kill it with SIGKILL like a crash would.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final java.util.function.IntFunction<Api> apiAt;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private ServerProcess(Process process, int port, java.util.function.IntFunction<Api> apiAt) {
        this.process = process;
        this.port = port;
        this.apiAt = apiAt;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
    }

    static ServerProcess start(Path dataDir, Path workspace, Path provisioningPath, String... extraArgs) throws Exception {
        return launch(p -> new Api("http://127.0.0.1:" + p), dataDir, workspace, provisioningPath, Components.nu(),
                extraArgs);
    }

    /** As {@link #start}, with another interpreter for the provisioning script (e.g. sh for a cheap fixture). */
    static ServerProcess startWith(Path dataDir, Path workspace, Path provisioningPath, String nuPath, String... extraArgs)
            throws Exception {
        return launch(p -> new Api("http://127.0.0.1:" + p), dataDir, workspace, provisioningPath, nuPath, extraArgs);
    }

    /** The server with {@code --tls-keystore ...} among {@code extraArgs}, reached over HTTPS with {@code client}. */
    static ServerProcess startHttps(java.net.http.HttpClient client, Path dataDir, Path workspace, Path provisioningPath,
            String... extraArgs) throws Exception {
        return launch(p -> new Api("https://127.0.0.1:" + p, client, List.of()), dataDir, workspace, provisioningPath,
                Components.nu(), extraArgs);
    }

    /** As {@link #start}, on a given port (a restarted server where its clients expect it). */
    static ServerProcess startOnPort(int port, Path dataDir, Path workspace, Path provisioningPath, String... extraArgs)
            throws Exception {
        return launch(port, p -> new Api("http://127.0.0.1:" + p), dataDir, workspace, provisioningPath, Components.nu(),
                java.util.Map.of(), extraArgs);
    }

    /** As {@link #start}, with {@code environment} added to the server's own environment. */
    static ServerProcess startWithEnvironment(java.util.Map<String, String> environment, Path dataDir, Path workspace,
            Path provisioningPath, String... extraArgs) throws Exception {
        return launch(freePort(), p -> new Api("http://127.0.0.1:" + p), dataDir, workspace, provisioningPath,
                Components.nu(), environment, extraArgs);
    }

    /** As {@link #startWithEnvironment}, with another main class that runs the server (e.g. with test-only upgrade steps). */
    static ServerProcess startMain(String mainClass, java.util.Map<String, String> environment, Path dataDir,
            Path workspace, Path provisioningPath, String... extraArgs) throws Exception {
        return launch(mainClass, freePort(), p -> new Api("http://127.0.0.1:" + p), dataDir, workspace, provisioningPath,
                Components.nu(), environment, extraArgs);
    }

    private static ServerProcess launch(java.util.function.IntFunction<Api> apiAt, Path dataDir, Path workspace,
            Path provisioningPath, String nuPath, String... extraArgs) throws Exception {
        return launch(freePort(), apiAt, dataDir, workspace, provisioningPath, nuPath, java.util.Map.of(), extraArgs);
    }

    private static ServerProcess launch(int port, java.util.function.IntFunction<Api> apiAt, Path dataDir, Path workspace,
            Path provisioningPath, String nuPath, java.util.Map<String, String> environment, String... extraArgs)
            throws Exception {
        return launch("io.provisioning.orchestrator.server.OrchestratorMain", port, apiAt, dataDir, workspace,
                provisioningPath, nuPath, environment, extraArgs);
    }

    private static ServerProcess launch(String mainClass, int port, java.util.function.IntFunction<Api> apiAt, Path dataDir,
            Path workspace, Path provisioningPath, String nuPath, java.util.Map<String, String> environment,
            String... extraArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorchestrator.home=" + Components.repoRoot(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                mainClass,
                "--port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--workspace", workspace.toString(), "--provisioning-path", provisioningPath.toString(),
                "--nu-path", nuPath, "--retry-base-delay-ms", "50"));
        command.addAll(List.of(extraArgs));
        if (!command.contains("--shutdown-grace-seconds")) {
            command.addAll(List.of("--shutdown-grace-seconds", "5"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        ServerProcess server = new ServerProcess(process, port, apiAt);
        server.awaitHealthy(Duration.ofSeconds(60));
        return server;
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        Api api = api();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + ":\n" + String.join("\n", log));
            }
            try {
                if (api.get("/health").status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server did not become healthy:\n" + String.join("\n", log));
    }

    Api api() {
        return apiAt.apply(port);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The live processes the server started, and theirs. */
    List<ProcessHandle> descendants() {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    List<String> log() {
        return log;
    }

    /** SIGKILL, like a crash: no shutdown hook runs. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
