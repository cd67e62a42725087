package io.provisioning.orchestrator.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Reads entries back for {@code GET /audit}: every file in order, keeping the newest matches. */
final class AuditReader {
    private final Path dir;

    AuditReader(Path dir) {
        this.dir = dir;
    }

    List<AuditEntry> query(AuditQuery query) {
        Deque<AuditEntry> newest = new ArrayDeque<>();
        for (Path file : AuditFiles.inOrder(dir)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode node = AuditLog.parse(line);
                    if (node == null) {
                        continue; // verification reports it; reading skips it
                    }
                    AuditEntry entry = AuditEntry.fromJson(node);
                    if (query.matches(entry)) {
                        newest.addLast(entry);
                        if (newest.size() > query.limit()) {
                            newest.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read audit file " + file, e);
            }
        }
        List<AuditEntry> result = new ArrayList<>(newest);
        java.util.Collections.reverse(result);
        return result;
    }
}
