package io.provisioning.orchestrator.execution;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts attempt watchdogs cheaply: one long-lived {@code perl attempt-launcher.pl} per JVM (and perl
 * binary) forks a watchdog per request, so an attempt costs a fork of a loaded perl instead of the
 * JVM's spawn of {@code setsid}, its exec of perl and perl's start. The watchdog connects back three
 * times on a Unix socket in a folder only this user can enter (control, the script's stdout, its
 * stderr), each connection named by the attempt's random token.
 *
 * <p>The launcher holds no attempt: its stdin closing (this JVM died) ends it, and each watchdog
 * ends its own tree when its control connection closes, so both guarantees of the per-attempt
 * watchdog stand. If the launcher dies, the next start starts another; the watchdogs it forked
 * report through their control connections, and their end is then proven through {@code /proc}.
 */
final class AttemptLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptLauncher.class);
    private static final String SCRIPT = readScript();
    private static final Map<String, AttemptLauncher> BY_PERL = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int HELLO_MAX = 128;

    private final String perl;
    private final Map<String, Starting> starting = new ConcurrentHashMap<>();
    /** Watchdogs forked by the running launcher and not reaped yet, and how each ended once reaped. */
    private final Map<Long, CompletableFuture<Integer>> reaped = new ConcurrentHashMap<>();
    private Path socketDir;
    private ServerSocketChannel server;
    private Process launcher;
    private DataOutputStream requests;

    private AttemptLauncher(String perl) {
        this.perl = perl;
    }

    /** The launcher of this JVM that runs {@code perl}. */
    static AttemptLauncher of(String perl) {
        return BY_PERL.computeIfAbsent(perl, AttemptLauncher::new);
    }

    /**
     * Forks a watchdog for {@code argv} and waits until it leads a session of its own, connected and
     * held before the script: the attempt runs when {@link Watchdog#go()} is called.
     *
     * @throws AttemptRejectedException when no watchdog can be started for this attempt (it cannot run)
     * @throws LauncherUnavailableException when the launcher exited before it was ready, or the watchdog gave
     *     no word in time (a later try can start it)
     */
    Watchdog start(List<String> argv, Path workingDirectory, Map<String, String> environment, Duration grace,
            Duration readyTimeout) {
        String token = HexFormat.of().formatHex(nextToken());
        Starting pending = new Starting();
        starting.put(token, pending);
        try {
            send(token, argv, workingDirectory, environment, grace);
            return pending.await(readyTimeout);
        } finally {
            starting.remove(token);
            pending.closeUnclaimed();
        }
    }

    /** How the watchdog {@code pid} ended, as the launcher reaped it; empty if unknown within {@code timeout}. */
    java.util.Optional<Integer> awaitReaped(long pid, Duration timeout) throws InterruptedException {
        CompletableFuture<Integer> end = reaped.get(pid);
        if (end == null) {
            return java.util.Optional.empty();
        }
        try {
            Integer code = end.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            reaped.remove(pid, end);
            return java.util.Optional.ofNullable(code);
        } catch (TimeoutException e) {
            return java.util.Optional.empty();
        } catch (ExecutionException e) {
            reaped.remove(pid, end);
            return java.util.Optional.empty();
        }
    }

    /** Forgets a watchdog whose end is proven otherwise. */
    void forget(long pid) {
        reaped.remove(pid);
    }

    private static byte[] nextToken() {
        byte[] token = new byte[16];
        RANDOM.nextBytes(token);
        return token;
    }

    private synchronized void send(String token, List<String> argv, Path cwd, Map<String, String> env, Duration grace) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(body)) {
            field(out, token);
            field(out, Long.toString(grace.toMillis()));
            field(out, cwd.toString());
            field(out, Integer.toString(argv.size()));
            for (String arg : argv) {
                field(out, arg);
            }
            for (Map.Entry<String, String> e : env.entrySet()) {
                field(out, e.getKey() + "=" + e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int tries = 0; ; tries++) {
            ensureRunning();
            try {
                requests.writeInt(body.size());
                body.writeTo(requests);
                requests.flush();
                return;
            } catch (IOException e) {
                stopped(launcher); // it died: the next try starts another
                if (tries > 0) {
                    throw new AttemptRejectedException("the attempt launcher (" + perl + ") takes no requests: "
                            + e.getMessage());
                }
            }
        }
    }

    private static void field(DataOutputStream out, String value) throws IOException {
        if (value.indexOf('\0') >= 0) {
            throw new AttemptRejectedException("an argument or environment value holds a NUL character");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private void ensureRunning() {
        if (launcher != null && launcher.isAlive()) {
            return;
        }
        try {
            if (server == null) {
                openSocket();
            }
            ProcessBuilder builder = new ProcessBuilder(perl, "-e", SCRIPT, "--", socketDir.resolve("s").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Map<String, String> env = builder.environment();
            String path = env.get("PATH");
            env.clear();
            if (path != null) {
                env.put("PATH", path);
            }
            Process started = builder.start();
            BufferedReader answers = new BufferedReader(new InputStreamReader(started.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = answers.readLine();
            if (ready == null || !ready.equals("launcher-ready " + started.pid())) {
                started.destroyForcibly();
                throw new LauncherUnavailableException("the attempt launcher did not start: "
                        + (ready == null ? "it exited" : ready));
            }
            launcher = started;
            requests = new DataOutputStream(new java.io.BufferedOutputStream(started.getOutputStream(), 8192));
            Thread.ofPlatform().daemon().name("attempt-launcher-" + started.pid()).start(() -> readAnswers(started, answers));
        } catch (IOException e) {
            throw new AttemptRejectedException("could not start the attempt launcher (" + perl
                    + ", needed to own each attempt's process tree): " + e.getMessage());
        }
    }

    private void openSocket() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        if (base.toAbsolutePath().toString().length() > 60) {
            base = Path.of("/tmp"); // a Unix socket's path is at most 107 bytes
        }
        socketDir = Files.createTempDirectory(base, "orchestrator-attempts-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = socketDir.resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Path dir = socketDir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(socket);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // the folder is in the temp dir; nothing else uses it
            }
        }));
        ServerSocketChannel listening = server;
        Thread.ofPlatform().daemon().name("attempt-launcher-accept").start(() -> accept(listening));
    }

    private void accept(ServerSocketChannel listening) {
        while (listening.isOpen()) {
            SocketChannel connection;
            try {
                connection = listening.accept();
            } catch (IOException e) {
                LOG.error("the attempt socket stopped accepting: {}", e.getMessage());
                return;
            }
            Thread.ofVirtual().start(() -> hello(connection));
        }
    }

    /** The first line of a watchdog's connection: {@code <token> <role>}; on control, {@code ready <pid>} follows. */
    private void hello(SocketChannel connection) {
        try {
            InputStream in = Channels.newInputStream(connection);
            String line = readLine(in, HELLO_MAX);
            String[] f = line == null ? new String[0] : line.split(" ");
            Starting pending = f.length == 2 ? starting.get(f[0]) : null;
            long pid = 0;
            if (pending != null && f[1].equals("ctl")) {
                String ready = readLine(in, HELLO_MAX);
                try {
                    pid = ready != null && ready.startsWith("ready ") ? Long.parseLong(ready.substring(6)) : 0;
                } catch (NumberFormatException e) {
                    pid = 0;
                }
                if (pid <= 0) {
                    pending.failed("the attempt watchdog said " + (ready == null ? "nothing" : ready));
                    connection.close();
                    return;
                }
                reaped.put(pid, new CompletableFuture<>()); // before it can end: it waits for "go"
            }
            if (pending == null || !pending.connected(f[1], connection, in, pid)) {
                connection.close();
            }
        } catch (IOException e) {
            closeQuietly(connection);
        }
    }

    private void readAnswers(Process started, BufferedReader answers) {
        try (answers) {
            String line;
            while ((line = answers.readLine()) != null) {
                String[] f = line.split(" ", 3);
                if (f.length == 3 && f[0].equals("reaped")) {
                    CompletableFuture<Integer> end = reaped.get(Long.parseLong(f[1]));
                    if (end != null) { // else a watchdog that never became an attempt
                        end.complete(Integer.parseInt(f[2]));
                    }
                } else if (f.length == 3 && f[0].equals("failed")) {
                    Starting pending = starting.get(f[1]);
                    if (pending != null) {
                        pending.failed(f[2]);
                    }
                } else {
                    LOG.warn("the attempt launcher said: {}", line);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("reading the attempt launcher: {}", e.getMessage());
        }
        stopped(started);
    }

    /** The launcher ended: what it would have reaped is now unknown (proven through /proc instead). */
    private synchronized void stopped(Process which) {
        if (which == null || launcher != which) {
            return;
        }
        which.destroyForcibly();
        launcher = null;
        reaped.values().forEach(f -> f.complete(null));
        reaped.clear();
        starting.values().forEach(s -> s.failed("the attempt launcher ended"));
        LOG.warn("the attempt launcher {} ended; the next attempt starts another", which.pid());
    }

    static String readLine(InputStream in, int max) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < max) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == '\n') {
                return line.toString();
            }
            line.append((char) c);
        }
        return null;
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    /** A watchdog being started: its three connections and its first word. */
    private final class Starting {
        private final CompletableFuture<Watchdog> ready = new CompletableFuture<>();
        private SocketChannel ctl;
        private InputStream ctlIn;
        private InputStream out;
        private InputStream err;
        private SocketChannel outChannel;
        private SocketChannel errChannel;
        private boolean claimed;

        private long pid;

        synchronized boolean connected(String role, SocketChannel channel, InputStream in, long watchdogPid) {
            if (ready.isDone()) {
                return false;
            }
            switch (role) {
                case "ctl" -> {
                    if (ctl != null) {
                        return false;
                    }
                    ctl = channel;
                    ctlIn = in;
                    pid = watchdogPid;
                }
                case "out" -> {
                    if (out != null) {
                        return false;
                    }
                    out = in;
                    outChannel = channel;
                }
                case "err" -> {
                    if (err != null) {
                        return false;
                    }
                    err = in;
                    errChannel = channel;
                }
                default -> {
                    return false;
                }
            }
            if (ctl != null && out != null && err != null) {
                ready.complete(new Watchdog(pid, ctl, ctlIn, out, outChannel, err, errChannel));
            }
            return true;
        }

        void failed(String why) {
            ready.completeExceptionally(new AttemptRejectedException("the attempt watchdog did not start: " + why));
        }

        Watchdog await(Duration timeout) {
            try {
                Watchdog w = ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                synchronized (this) {
                    claimed = true;
                }
                return w;
            } catch (TimeoutException e) {
                failed("no word from it within " + timeout.toSeconds() + " s");
                throw new LauncherUnavailableException("the attempt watchdog did not start within " + timeout.toSeconds()
                        + " s");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AttemptRejectedException rejected) {
                    throw rejected;
                }
                throw new AttemptRejectedException("the attempt watchdog did not start: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed("interrupted");
                throw new LauncherUnavailableException("interrupted while the attempt watchdog started");
            }
        }

        /** Connections of a watchdog that never became an attempt are closed: it then exits unrun. */
        synchronized void closeUnclaimed() {
            if (claimed) {
                return;
            }
            if (pid > 0) {
                reaped.remove(pid); // it never became an attempt: nobody waits for its end
            }
            for (SocketChannel c : new SocketChannel[] {ctl, outChannel, errChannel}) {
                if (c != null) {
                    closeQuietly(c);
                }
            }
        }
    }

    private static String readScript() {
        try (InputStream in = AttemptLauncher.class.getResourceAsStream("attempt-launcher.pl")) {
            if (in == null) {
                throw new IllegalStateException("attempt-launcher.pl is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
