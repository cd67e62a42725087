package io.provisioning.orchestrator.storage.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.task.Task;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * SHA-256 of a task's canonical JSON (the product's one JSON form, fields in declared order), and
 * of a whole store: the task hashes in id order, with each id's queue mark. Two stores with the
 * same digest hold the same tasks with the same content and the same queue.
 */
public final class ContentDigest {
    /** One SHA-256 per thread (each {@code digest()} resets it): no provider lookup per task. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ContentDigest::sha256);

    private ContentDigest() {}

    public static String of(Task task) {
        return ofJson(canonicalJson(task));
    }

    /** The task's canonical JSON, the bytes {@link #of(Task)} hashes (and every import stores). */
    public static byte[] canonicalJson(Task task) {
        try {
            return Json.mapper().writeValueAsBytes(task);
        } catch (JsonProcessingException e) {
            throw new MigrationException("cannot write task " + task.id() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** SHA-256 (hex) of JSON bytes: {@link #of(Task)} when they are the task's {@link #canonicalJson}. */
    public static String ofJson(byte[] json) {
        return HexFormat.of().formatHex(SHA256.get().digest(json));
    }

    /** SHA-256 of an idempotency record's canonical JSON. */
    public static String of(IdempotencyRecord record) {
        try {
            return HexFormat.of().formatHex(sha256().digest(Json.mapper().writeValueAsBytes(record)));
        } catch (JsonProcessingException e) {
            throw new MigrationException("cannot hash idempotency key " + record.key() + ": " + e.getMessage(), e);
        }
    }

    /** @param hashes task id → {@link #of(Task)}; {@code queued} marks the ids with a queue entry */
    public static String ofStore(Map<String, String> hashes, java.util.Set<String> queued) {
        MessageDigest digest = sha256();
        String[] ids = hashes.keySet().toArray(String[]::new);
        Arrays.sort(ids); // id order, as a TreeMap would give
        for (String id : ids) {
            digest.update(id.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) (queued.contains(id) ? 'Q' : '-'));
            digest.update(hashes.get(id).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
