package io.provisioning.orchestrator.storage.postgresql;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.storage.IdempotencyRecord;
import io.provisioning.orchestrator.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Idempotency records (table {@code idempotency}, migration V2). A key is claimed with
 * {@code INSERT … ON CONFLICT DO NOTHING} on its primary key inside the submission's transaction:
 * when another transaction inserts the same key at that moment, PostgreSQL makes this one wait
 * for it and then answers "taken" (it committed) or lets this one have the key (it rolled back).
 */
final class Submissions {
    /** Marks "taken" inside the transaction; the stored record is read once it has ended. */
    static final IdempotencyRecord NO_RECORD = new IdempotencyRecord("", "", null, null);

    private Submissions() {}

    static Optional<IdempotencyRecord> find(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT json FROM idempotency WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(fromJson(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Up to {@code limit} records with a key after {@code afterKey}, in byte order of the key (collation "C"). */
    static List<IdempotencyRecord> scan(Connection c, String afterKey, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT json FROM idempotency WHERE key COLLATE \"C\" > ?"
                + " ORDER BY key COLLATE \"C\" LIMIT ?")) {
            ps.setString(1, afterKey);
            ps.setInt(2, limit);
            List<IdempotencyRecord> records = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(fromJson(rs.getString(1)));
                }
            }
            return records;
        }
    }

    /** Writes the records in one statement, replacing those stored under the same keys (a migration's copy). */
    static void importAll(Connection c, List<IdempotencyRecord> records) throws SQLException {
        String[] keys = new String[records.size()];
        String[] hashes = new String[records.size()];
        String[] json = new String[records.size()];
        for (int i = 0; i < records.size(); i++) {
            keys[i] = records.get(i).key();
            hashes[i] = String.valueOf(records.get(i).requestHash());
            json[i] = toJson(records.get(i));
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO idempotency (key, request_hash, json)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[])"
                + " ON CONFLICT (key) DO UPDATE SET request_hash = EXCLUDED.request_hash, json = EXCLUDED.json")) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("text", hashes));
            ps.setArray(3, c.createArrayOf("text", json));
            ps.executeUpdate();
        }
    }

    private static String toJson(IdempotencyRecord record) {
        try {
            return Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot write idempotency record " + record.key() + " as JSON: " + e.getMessage(), e);
        }
    }

    private static IdempotencyRecord fromJson(String json) {
        try {
            return Json.mapper().readValue(json, IdempotencyRecord.class);
        } catch (JsonProcessingException e) {
            throw new StorageException("an idempotency record in PostgreSQL is not valid JSON: " + e.getMessage(), e);
        }
    }
}
