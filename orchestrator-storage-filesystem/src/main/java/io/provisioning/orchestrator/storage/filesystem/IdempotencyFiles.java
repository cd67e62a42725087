package io.provisioning.orchestrator.storage.filesystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A key record's file is named by the SHA-256 of its key ({@link #hashOf}): any key becomes a safe
 * file name, and the hashes give the store its key order ({@link KeyList}).
 */
final class IdempotencyFiles {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private IdempotencyFiles() {}

    static String hashOf(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isHash(String name) {
        return HASH.matcher(name).matches();
    }

    static Path fileFor(FilesystemLayout layout, String key) {
        return fileForHash(layout, hashOf(key));
    }

    static Path fileForHash(FilesystemLayout layout, String hash) {
        return layout.idempotency().resolve(hash + ".json");
    }

    /** The file that maps a key to the task carrying it, for a task stored without a key record. */
    static Path taskKeyFile(FilesystemLayout layout, String key) {
        return layout.taskKeys().resolve(hashOf(key) + ".json");
    }

    /**
     * The record in the file named by {@code hash}, or empty if there is none. A file that cannot be
     * read, or holds another key, fails: a key must never look unused because its file is damaged.
     */
    static Optional<IdempotencyRecord> read(FilesystemLayout layout, String hash) {
        Path file = fileForHash(layout, hash);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read idempotency record " + file + ": " + e.getMessage(), e);
        }
        IdempotencyRecord record;
        try {
            record = JSON.readValue(bytes, IdempotencyRecord.class);
        } catch (IOException | RuntimeException e) {
            throw new StorageException("unreadable idempotency record " + file + ": " + e.getMessage(), e);
        }
        if (record.key() == null || !hash.equals(hashOf(record.key()))) {
            throw new StorageException("idempotency record " + file + " does not hold the key its name is made from");
        }
        return Optional.of(record);
    }

    /** The id in a task-key file ({@link #taskKeyFile}), or empty if there is none. */
    static Optional<String> readTaskKey(FilesystemLayout layout, String key) {
        Path file = taskKeyFile(layout, key);
        try {
            TaskKey mapping = JSON.readValue(Files.readAllBytes(file), TaskKey.class);
            return key.equals(mapping.key()) ? Optional.ofNullable(mapping.taskId()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new StorageException("cannot read task key file " + file + ": " + e.getMessage(), e);
        }
    }

    static void writeTaskKey(FilesystemLayout layout, String key, String taskId, boolean fsync) throws IOException {
        io.provisioning.orchestrator.durability.AtomicFiles.write(taskKeyFile(layout, key),
                JSON.writeValueAsBytes(new TaskKey(key, taskId)), fsync);
    }

    /** One line of {@code task-keys/}: the key a task carries and its id. */
    record TaskKey(String key, String taskId) {}
}
