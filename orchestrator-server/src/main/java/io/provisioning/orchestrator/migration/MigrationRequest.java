package io.provisioning.orchestrator.migration;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.workflow.Printable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /storage/migrations}: {@code {"to": TYPE}} plus where the target is
 * ({@code data_dir}, absolute, default the orchestrator's own; {@code surrealdb_url},
 * {@code surrealdb_username}, {@code surrealdb_password}, {@code surrealdb_namespace},
 * {@code surrealdb_database}; {@code postgresql_url}, {@code postgresql_user},
 * {@code postgresql_password} or {@code postgresql_password_file}) and {@code batch_size} (1-10000, default 500).
 */
public record MigrationRequest(StorageChoice target, int batchSize) {
    private static final List<String> FIELDS = List.of("to", "data_dir", "surrealdb_url", "surrealdb_username",
            "surrealdb_password", "surrealdb_namespace", "surrealdb_database", "postgresql_url", "postgresql_user",
            "postgresql_password", "postgresql_password_file", "batch_size");

    /** @param serverDataDir the default data dir; {@code live} lends its lease setting to a SurrealDB target */
    public static MigrationRequest parse(JsonNode body, Path serverDataDir, StorageChoice live) {
        return parse(body, serverDataDir, live, serverDataDir);
    }

    /** As {@link #parse(JsonNode, Path, StorageChoice)}; a {@code data_dir} must be inside {@code root}. */
    public static MigrationRequest parse(JsonNode body, Path serverDataDir, StorageChoice live, Path root) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidRequestException("unknown field " + Printable.quote(name) + "; known fields: "
                        + String.join(", ", FIELDS));
            }
            if (!name.equals("batch_size") && !body.get(name).isTextual()) {
                throw new InvalidRequestException("field '" + name + "' must be a string");
            }
        }
        String type = text(body, "to");
        if (type == null) {
            throw new InvalidRequestException("field 'to' is required: one of " + String.join(", ", StorageTypes.KNOWN));
        }
        if (!StorageTypes.KNOWN.contains(type)) {
            throw new InvalidRequestException("unknown storage type " + Printable.quote(type) + "; known types: "
                    + String.join(", ", StorageTypes.KNOWN));
        }
        if (!StorageTypes.builtIn().contains(type)) {
            try {
                StorageTypes.open(type, serverDataDir, Map.of()); // says it is not built in, and how to build it
            } catch (StorageException e) {
                throw new InvalidRequestException(e.getMessage());
            }
        }
        Path dataDir = serverDataDir;
        String dir = text(body, "data_dir");
        if (dir != null) {
            dataDir = Path.of(dir);
            if (!dataDir.isAbsolute()) {
                throw new InvalidRequestException("field 'data_dir' must be an absolute path; got " + Printable.quote(dir));
            }
            if (!DataDirRoot.contains(root, dataDir)) {
                throw new InvalidRequestException("field 'data_dir' must be inside " + root
                        + " (the server's --storage-migration-root); got " + Printable.quote(dir));
            }
        }
        Map<String, String> options = new HashMap<>();
        if (type.equals("surrealdb-server")) {
            String url = text(body, "surrealdb_url");
            if (url == null) {
                throw new InvalidRequestException("a surrealdb-server target needs field 'surrealdb_url' (ws://HOST:PORT)");
            }
            options.put("surrealdb-url", url);
            options.put("surrealdb-username", orDefault(body, "surrealdb_username", "root"));
            options.put("surrealdb-password", orDefault(body, "surrealdb_password", "root"));
            options.put("surrealdb-namespace", orDefault(body, "surrealdb_namespace", "orchestrator"));
            options.put("surrealdb-database", orDefault(body, "surrealdb_database", "tasks"));
            String lease = live.options().get("surrealdb-lease-seconds");
            if (lease != null) {
                options.put("surrealdb-lease-seconds", lease);
            }
        }
        if (type.equals("postgresql")) {
            String url = text(body, "postgresql_url");
            if (url == null) {
                throw new InvalidRequestException("a postgresql target needs field 'postgresql_url' (jdbc:postgresql://HOST:PORT/DATABASE)");
            }
            options.put("postgresql-url", url);
            options.put("postgresql-user", orDefault(body, "postgresql_user", "orchestrator"));
            String password = text(body, "postgresql_password");
            String passwordFile = text(body, "postgresql_password_file");
            if (password != null) {
                options.put("postgresql-password", password);
            }
            if (passwordFile != null) {
                options.put("postgresql-password-file", passwordFile);
            }
            String lease = live.options().get("postgresql-lease-seconds");
            if (lease != null) {
                options.put("postgresql-lease-seconds", lease);
            }
        }
        int batchSize = 500;
        if (body.has("batch_size")) {
            JsonNode n = body.get("batch_size");
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 10_000) {
                throw new InvalidRequestException("field 'batch_size' must be a whole number from 1 to 10000");
            }
            batchSize = n.asInt();
        }
        return new MigrationRequest(new StorageChoice(type, dataDir, options), batchSize);
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.asText().isBlank() ? null : n.asText();
    }

    private static String orDefault(JsonNode body, String field, String fallback) {
        String value = text(body, field);
        return value != null ? value : fallback;
    }
}
