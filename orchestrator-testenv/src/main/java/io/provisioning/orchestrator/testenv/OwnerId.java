package io.provisioning.orchestrator.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This server's identity on the Docker daemon, made once and kept in {@code <data-dir>/testenv/owner}:
 * the label value that tells its containers from those of another server sharing the daemon.
 */
public final class OwnerId {
    private OwnerId() {}

    public static String load(Path dir) {
        Path file = dir.resolve("owner");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (id.matches("[0-9a-f]{32}")) {
                    return id;
                }
            }
            Files.createDirectories(dir);
            String id = UUID.randomUUID().toString().replace("-", "");
            Path temp = dir.resolve(".owner.tmp");
            Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the test environment owner id in " + file, e);
        }
    }
}
