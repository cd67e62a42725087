package io.provisioning.orchestrator.storage.filesystem;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A key record's file is named by the SHA-256 of its key: any visible ASCII key becomes a safe file name. */
final class IdempotencyFiles {
    private IdempotencyFiles() {}

    static Path fileFor(FilesystemLayout layout, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return layout.idempotency().resolve(HexFormat.of().formatHex(digest) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
