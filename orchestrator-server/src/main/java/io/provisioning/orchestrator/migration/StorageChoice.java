package io.provisioning.orchestrator.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.StorageException;
import io.provisioning.orchestrator.storage.StorageTypes;
import io.provisioning.orchestrator.storage.TaskStorage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which backend holds the tasks: its type, its data dir and its options (the {@code surrealdb-*}
 * keys of {@link io.provisioning.orchestrator.storage.StorageFactory#open}). After an online
 * migration the orchestrator records the new one in {@code <data-dir>/storage.json}, so that a
 * restart without an explicit {@code --storage-type} comes back on it. The file may hold a
 * SurrealDB password, so only its owner may read it.
 */
public record StorageChoice(String type, Path dataDir, Map<String, String> options) {
    public static final String FILE = "storage.json";
    /** The layout of {@code storage.json} this build reads and writes; a file without one is version 1. */
    public static final int FORMAT_VERSION = 1;

    public StorageChoice {
        options = Map.copyOf(options);
    }

    public TaskStorage open() {
        return StorageTypes.open(type, dataDir, options);
    }

    /** Type and place, for messages and {@code GET /storage}: no password. */
    public String describe() {
        return switch (type) {
            case "surrealdb-server" -> type + " (" + options.get("surrealdb-url") + " "
                    + options.getOrDefault("surrealdb-namespace", "orchestrator") + "/"
                    + options.getOrDefault("surrealdb-database", "tasks") + ")";
            case "postgresql" -> type + " (" + postgresWhere(options.get("postgresql-url")) + ")";
            default -> type + " (" + dataDir + ")";
        };
    }

    /** Host, port and database of a JDBC URL, without its parameters (they may carry credentials). */
    private static String postgresWhere(String url) {
        if (url == null) {
            return "no --postgresql-url";
        }
        String rest = url.replaceFirst("^jdbc:postgresql://", "");
        rest = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
        return rest.contains("@") ? rest.substring(rest.lastIndexOf('@') + 1) : rest;
    }

    /** Whether two choices name the same store (then a migration would read and write one place). */
    public boolean sameStoreAs(StorageChoice other) {
        if (!type.equals(other.type)) {
            return false;
        }
        if (type.equals("surrealdb-server") || type.equals("postgresql")) {
            return describe().equals(other.describe());
        }
        return dataDir.toAbsolutePath().normalize().equals(other.dataDir.toAbsolutePath().normalize());
    }

    /** The recorded choice in {@code serverDataDir}, if a migration left one. */
    public static Optional<StorageChoice> recorded(Path serverDataDir) {
        Path file = serverDataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = Json.mapper().readTree(file.toFile());
            int version = json.path("format_version").asInt(1);
            if (version > FORMAT_VERSION) {
                throw new io.provisioning.orchestrator.format.UnsupportedFormatException(file + " is storage-choice "
                        + "format version " + version + ", newer than this orchestrator knows (" + FORMAT_VERSION
                        + "): start a newer orchestrator on this data dir, or restore the backup taken before it was "
                        + "upgraded; nothing was changed");
            }
            String type = json.path("type").asText("");
            if (type.isEmpty() || !json.path("data_dir").isTextual()) {
                throw new StorageException(file + " is not a storage record (it needs \"type\" and \"data_dir\"); "
                        + "remove it or start with --storage-type");
            }
            Map<String, String> options = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.path("options").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                options.put(e.getKey(), e.getValue().asText());
            }
            return Optional.of(new StorageChoice(type, Path.of(json.path("data_dir").asText()), options));
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + ": " + e.getMessage() + "; remove it or start with --storage-type", e);
        }
    }

    /** Writes this choice to {@code serverDataDir/storage.json} atomically, readable by the owner only. */
    public void record(Path serverDataDir) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("format_version", FORMAT_VERSION);
        json.put("type", type);
        json.put("data_dir", dataDir.toAbsolutePath().normalize().toString());
        ObjectNode opts = json.putObject("options");
        new TreeMap<>(options).forEach(opts::put);
        Path file = serverDataDir.resolve(FILE);
        Path temp = serverDataDir.resolve(FILE + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot record the storage backend in " + file + ": " + e.getMessage(), e);
        }
    }
}
