package io.provisioning.orchestrator.storage.postgresql.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, throw-away PostgreSQL server for tests: a cluster made with {@code initdb} (as user
 * {@code postgres} when the tests run as root, as initdb refuses root) in a temp dir, listening on
 * a free loopback port and a socket in that dir, with password authentication over TCP. It can be
 * stopped hard ({@code pg_ctl stop -m immediate}) and started again on the same port; {@link #close}
 * stops it and deletes the dir, and a JVM shutdown hook does so for the shared one. Missing
 * PostgreSQL binaries fail the test under {@code CI=true} and skip it elsewhere.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "test-secret";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final Path passwordFile;

    private PostgresCluster(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.passwordFile = dir.resolve("password");
    }

    /** One cluster for the whole test JVM, stopped when it exits. */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = start();
            PostgresCluster cluster = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-test-postgresql"));
        }
        return shared;
    }

    /** A cluster of its own (for a test that stops and starts it). */
    public static PostgresCluster start() {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("orchestrator-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            PostgresCluster cluster = new PostgresCluster(bin, dir, freePort());
            cluster.init();
            cluster.startServer();
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a PostgreSQL test cluster: " + e.getMessage(), e);
        }
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} (or $PG_BIN); fails under CI, skips elsewhere. */
    static Path binaries() {
        String env = System.getenv("PG_BIN");
        Path found = null;
        if (env != null && !env.isBlank()) {
            found = Path.of(env);
        } else if (Files.isDirectory(Path.of("/usr/lib/postgresql"))) {
            try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                found = versions.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
            } catch (IOException e) {
                found = null;
            }
        }
        if (found == null || !Files.isExecutable(found.resolve("initdb"))) {
            String message = "PostgreSQL server binaries are missing (no /usr/lib/postgresql/*/bin/initdb): "
                    + "apt-get install postgresql (.ci/run does), or set PG_BIN";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        return found;
    }

    private void init() throws IOException {
        Files.writeString(passwordFile, PASSWORD + "\n");
        chownToPostgres(dir);
        chownToPostgres(passwordFile);
        run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-instructions"), 120);
    }

    public synchronized void startServer() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200"
                        + " -c shared_buffers=32MB -c fsync=on -c synchronous_commit=on",
                "start"), 90);
    }

    /** Stops it as a crash would: {@code pg_ctl stop -m immediate}. */
    public synchronized void stopImmediately() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                "-w", "stop"), 60);
    }

    public int port() {
        return port;
    }

    public Path passwordFile() {
        return passwordFile;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new, empty database; its name. */
    public String createDatabase() {
        return createDatabase("orch" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
    }

    /** A new, empty database named {@code name} (lower-case letters, digits, _), or the one made before; its name. */
    public synchronized String createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (rs.next()) {
                return name;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look for database " + name + ": " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /** Storage options for {@code --storage-type postgresql} on a database of this cluster. */
    public Map<String, String> storageOptions(String database) {
        Map<String, String> options = new HashMap<>();
        options.put("postgresql-url", url(database));
        options.put("postgresql-user", USER);
        options.put("postgresql-password-file", passwordFile.toString());
        return options;
    }

    /** The server flags for {@code --storage-type postgresql} on a database of this cluster. */
    public List<String> serverFlags(String database) {
        return new ArrayList<>(List.of("--storage-type", "postgresql", "--postgresql-url", url(database),
                "--postgresql-user", USER, "--postgresql-password-file", passwordFile.toString()));
    }

    @Override
    public synchronized void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                // its data is deleted next: no shutdown checkpoint needed
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                        "-w", "stop"), 60);
            }
        } catch (RuntimeException e) {
            System.err.println("stopping the test PostgreSQL: " + e.getMessage());
        }
        long t0 = System.nanoTime();
        try {
            Process rm = new ProcessBuilder("rm", "-rf", dir.toString()).redirectErrorStream(true).start();
            rm.getOutputStream().close();
            rm.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            // a temp dir left behind is no failure
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > 5000) {
            System.err.println("removing the test PostgreSQL's files took " + ms + " ms");
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chownToPostgres(Path path) throws IOException {
        if (root()) {
            run(List.of("chown", "postgres:postgres", path.toString()), 10);
        }
    }

    private static void run(List<String> command, int timeoutSeconds) {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        if (command.get(0).equals("chown")) {
            full = command;
        }
        try {
            Process p = new ProcessBuilder(full).directory(Path.of("/tmp").toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + new String(out).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
