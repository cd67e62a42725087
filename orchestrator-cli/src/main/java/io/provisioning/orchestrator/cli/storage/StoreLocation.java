package io.provisioning.orchestrator.cli.storage;

import io.provisioning.orchestrator.cli.CliException;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One side of a migration: a backend type and where its data is ({@code --from-…} or
 * {@code --to-…} options). {@code side} is "from" or "to", for messages that name the option.
 */
public record StoreLocation(String side, String type, Path dataDir, String surrealUrl, String surrealUser,
        String surrealPassword, String surrealNamespace, String surrealDatabase, String postgresUrl, String postgresUser,
        Path postgresPasswordFile) {

    /** Checks what the type needs is there; says which option is missing in one sentence. */
    public StoreLocation checked() {
        if (type == null || type.isBlank()) {
            throw new CliException.BadInput("--" + side + " is required: " + String.join(", ", StorageTypes.KNOWN));
        }
        if (!StorageTypes.KNOWN.contains(type)) {
            throw new CliException.BadInput("unknown storage type '" + type + "' for --" + side + "; known types: "
                    + String.join(", ", StorageTypes.KNOWN));
        }
        if (!StorageTypes.builtIn().contains(type)) {
            throw new CliException.BadInput("storage type '" + type + "' is not built into this provisioning CLI (built in: "
                    + String.join(", ", StorageTypes.builtIn()) + "); set ORCHESTRATOR_FEATURES=surrealdb and run it again");
        }
        if (usesDataDir() && dataDir == null) {
            throw new CliException.BadInput("--" + side + " " + type + " needs --" + side + "-data-dir DIR");
        }
        if (type.equals("surrealdb-server") && (surrealUrl == null || surrealUrl.isBlank())) {
            throw new CliException.BadInput("--" + side + " surrealdb-server needs --" + side + "-surrealdb-url ws://HOST:PORT");
        }
        if (type.equals("postgresql") && (postgresUrl == null || postgresUrl.isBlank())) {
            throw new CliException.BadInput("--" + side + " postgresql needs --" + side
                    + "-postgresql-url jdbc:postgresql://HOST:PORT/DATABASE");
        }
        return this;
    }

    public boolean usesDataDir() {
        return !type.equals("surrealdb-server") && !type.equals("postgresql");
    }

    /** Whether anything of this store exists yet (a server database always may). */
    public boolean exists() {
        return switch (type) {
            case "filesystem" -> Files.isDirectory(dataDir.resolve("queue.rkvs"));
            case "surrealdb-embedded" -> Files.isDirectory(dataDir.resolve("surrealdb"));
            default -> true;
        };
    }

    /** The same store named twice would be read and written at once. */
    public boolean sameStoreAs(StoreLocation other) {
        if (!type.equals(other.type)) {
            return false;
        }
        if (usesDataDir()) {
            return dataDir.toAbsolutePath().normalize().equals(other.dataDir.toAbsolutePath().normalize());
        }
        if (type.equals("postgresql")) {
            return postgresWhere().equals(other.postgresWhere());
        }
        return surrealUrl.equals(other.surrealUrl) && namespace().equals(other.namespace())
                && database().equals(other.database());
    }

    public TaskStorage open() {
        Map<String, String> options = new HashMap<>();
        if (surrealUrl != null) {
            options.put("surrealdb-url", surrealUrl);
        }
        options.put("surrealdb-username", surrealUser != null ? surrealUser : "root");
        options.put("surrealdb-password", surrealPassword != null ? surrealPassword : "root");
        options.put("surrealdb-namespace", namespace());
        options.put("surrealdb-database", database());
        options.put("surrealdb-node-id", "provisioning-storage-migrate"); // keeps no node-id file anywhere
        if (postgresUrl != null) {
            options.put("postgresql-url", postgresUrl);
        }
        options.put("postgresql-user", postgresUser != null ? postgresUser : "orchestrator");
        if (postgresPasswordFile != null) {
            options.put("postgresql-password-file", postgresPasswordFile.toString());
        } else if (System.getenv("POSTGRESQL_PASSWORD") != null) {
            options.put("postgresql-password", System.getenv("POSTGRESQL_PASSWORD"));
        }
        options.put("postgresql-node-id", "provisioning-storage-migrate");
        return StorageTypes.open(type, usesDataDir() ? dataDir : Path.of("."), options);
    }

    /** How the store is named to the user: the type and its folder or database. */
    public String describe() {
        if (type.equals("postgresql")) {
            return type + " (" + postgresWhere() + ")";
        }
        return type + " (" + (usesDataDir() ? dataDir.toString() : surrealUrl + " " + namespace() + "/" + database()) + ")";
    }

    /** The server-side JSON body of an online migration to this store. */
    public Map<String, Object> asRequest() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", type);
        if (dataDir != null) {
            body.put("data_dir", dataDir.toString());
        }
        if (surrealUrl != null) {
            body.put("surrealdb_url", surrealUrl);
        }
        if (surrealUser != null) {
            body.put("surrealdb_username", surrealUser);
        }
        if (surrealPassword != null) {
            body.put("surrealdb_password", surrealPassword);
        }
        if (surrealNamespace != null) {
            body.put("surrealdb_namespace", surrealNamespace);
        }
        if (surrealDatabase != null) {
            body.put("surrealdb_database", surrealDatabase);
        }
        if (postgresUrl != null) {
            body.put("postgresql_url", postgresUrl);
        }
        if (postgresUser != null) {
            body.put("postgresql_user", postgresUser);
        }
        if (postgresPasswordFile != null) {
            body.put("postgresql_password_file", postgresPasswordFile.toAbsolutePath().toString());
        }
        return body;
    }

    /** Host, port and database of the JDBC URL, without its parameters (they may carry credentials). */
    private String postgresWhere() {
        String rest = postgresUrl.replaceFirst("^jdbc:postgresql://", "");
        rest = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
        return rest.contains("@") ? rest.substring(rest.lastIndexOf('@') + 1) : rest;
    }

    private String namespace() {
        return surrealNamespace != null ? surrealNamespace : "orchestrator";
    }

    private String database() {
        return surrealDatabase != null ? surrealDatabase : "tasks";
    }
}
