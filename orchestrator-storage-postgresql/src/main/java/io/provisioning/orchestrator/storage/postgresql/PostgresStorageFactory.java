package io.provisioning.orchestrator.storage.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageFactory;
import io.provisioning.orchestrator.storage.StorageUnavailableException;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * {@code --storage-type postgresql}: one PostgreSQL database that several orchestrator nodes share.
 * Options: {@code postgresql-url} (required, {@code jdbc:postgresql://HOST:PORT/DB}),
 * {@code postgresql-user} (orchestrator), the password as {@code postgresql-password} or read from
 * {@code postgresql-password-file}, {@code postgresql-pool-size} (10), {@code postgresql-lease-seconds}
 * (10), {@code postgresql-node-id} (else kept in {@code <data-dir>/node-id}, so a restarted node
 * knows its own leftovers). The password is never logged nor put in a message.
 */
public final class PostgresStorageFactory implements StorageFactory {
    public static final String TYPE = "postgresql";
    private static final String PREFIX = "jdbc:postgresql://";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TaskStorage open(Path dataDir, Map<String, String> options) {
        return open(dataDir, options, 0);
    }

    /** {@code writers}: how many write batches may be in flight ({@link GroupCommit}); 0 for as many as the pool allows. */
    PostgresTaskStorage open(Path dataDir, Map<String, String> options, int writers) {
        String url = options.get("postgresql-url");
        if (url == null || url.isBlank()) {
            throw new StorageException("--storage-type postgresql needs --postgresql-url jdbc:postgresql://HOST:PORT/DATABASE");
        }
        if (!url.startsWith(PREFIX) || url.length() == PREFIX.length()) {
            throw new StorageException("--postgresql-url must look like jdbc:postgresql://HOST:PORT/DATABASE, not '"
                    + where(url) + "'");
        }
        String user = options.getOrDefault("postgresql-user", "orchestrator");
        String password = password(options);
        int poolSize = number(options, "postgresql-pool-size", 10, 1, 500);
        Duration lease = Duration.ofSeconds(number(options, "postgresql-lease-seconds", 10, 1, 3600));
        String nodeId = options.containsKey("postgresql-node-id") ? options.get("postgresql-node-id") : nodeId(dataDir);
        String where = where(url);

        HikariConfig config = new HikariConfig();
        config.setPoolName("orchestrator-postgresql");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(3000);
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(1);
        Properties driver = driverProperties();
        driver.forEach((k, v) -> config.addDataSourceProperty((String) k, v));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw unreachable(where, user, e.getCause() instanceof SQLException s ? s : null, e);
        }
        Properties listen = driverProperties();
        listen.setProperty("user", user);
        if (password != null) {
            listen.setProperty("password", password);
        }
        try {
            return new PostgresTaskStorage(pool, () -> DriverManager.getConnection(url, listen),
                    new PostgresTaskStorage.Settings(where, nodeId, lease), pool,
                    writers > 0 ? writers : PostgresTaskStorage.writers(poolSize));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static Properties driverProperties() {
        Properties p = new Properties();
        p.setProperty("ApplicationName", "provisioning-orchestrator");
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "120");
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    private static RuntimeException unreachable(String where, String user, SQLException e, RuntimeException wrapper) {
        String state = e == null ? null : e.getSQLState();
        if ("28P01".equals(state) || "28000".equals(state)) {
            return new StorageException("PostgreSQL at " + where + " refused the credentials of user '" + user
                    + "' (check --postgresql-user and the password file or $POSTGRESQL_PASSWORD)", wrapper);
        }
        if ("3D000".equals(state)) {
            return new StorageException("PostgreSQL at " + where + " has no such database: create it first"
                    + " (createdb), the orchestrator creates its tables itself", wrapper);
        }
        String why = e == null ? wrapper.getMessage() : SqlFailures.firstLine(e);
        return new StorageUnavailableException("PostgreSQL at " + where + " is unreachable (" + why
                + "); is the server running?", wrapper);
    }

    /** The password given, or the first line of the password file; null for none (trust or peer auth). */
    static String password(Map<String, String> options) {
        String file = options.get("postgresql-password-file");
        if (file != null && !file.isBlank()) {
            try {
                String text = Files.readString(Path.of(file));
                int nl = text.indexOf('\n');
                return (nl < 0 ? text : text.substring(0, nl)).strip();
            } catch (IOException e) {
                throw new StorageException("cannot read the PostgreSQL password file " + file + ": " + e.getMessage(), e);
            }
        }
        String password = options.get("postgresql-password");
        return password == null || password.isEmpty() ? null : password;
    }

    /** Host, port and database of a JDBC URL, without its parameters (which may carry credentials). */
    static String where(String url) {
        String rest = url.startsWith(PREFIX) ? url.substring(PREFIX.length()) : url;
        int q = rest.indexOf('?');
        rest = q < 0 ? rest : rest.substring(0, q);
        int at = rest.lastIndexOf('@');
        return at < 0 ? rest : rest.substring(at + 1);
    }

    private static int number(Map<String, String> options, String key, int fallback, int min, int max) {
        String text = options.get(key);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new StorageException("--" + key + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }

    /** This node's id, made once and kept in the data dir. */
    static String nodeId(Path dataDir) {
        Path file = dataDir.resolve("node-id");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(dataDir);
            String id = "node-" + UUID.randomUUID();
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new StorageException("cannot keep this node's id in " + file + ": " + e.getMessage(), e);
        }
    }
}
