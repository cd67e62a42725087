package io.provisioning.orchestrator.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.audit.AuditVerification.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks every audit file in order and reports the first entry that was edited, removed or
 * reordered. An entry whose content does not match its own hash was edited; a {@code prev_hash}
 * that does not match the entry before means that entry was edited and re-hashed, or entries were
 * removed or inserted with the numbering redone; a jump in {@code seq} means entries were removed,
 * or moved if the missing number turns up later. Removing the newest entries leaves no trace in
 * the chain itself: compare against an anchor ({@code seq:hash}) noted elsewhere for that.
 */
public final class AuditChainVerifier {
    private AuditChainVerifier() {}

    /** {@code anchor}: optional "seq:hash" that must still be in the log, e.g. the head noted yesterday. */
    public static AuditVerification verify(Path dir, String anchor) {
        List<Line> lines = readAll(dir);
        Set<Long> seqs = new HashSet<>();
        for (Line line : lines) {
            if (line.json != null && line.json.path("seq").canConvertToLong()) {
                seqs.add(line.json.path("seq").asLong());
            }
        }
        long expected = 1;
        String prevHash = AuditHashing.GENESIS;
        Set<String> files = new HashSet<>();
        String anchorHashFound = null;
        long anchorSeq = anchor == null ? -1 : anchorSeq(anchor);
        for (Line line : lines) {
            files.add(line.file);
            JsonNode json = line.json;
            if (json == null || !json.path("seq").isIntegralNumber() || !json.path("hash").isTextual()) {
                return broken(lines.size(), files, Kind.EDITED, expected, line,
                        "the entry after seq " + (expected - 1) + " is not a readable audit entry: it was edited");
            }
            long seq = json.path("seq").asLong();
            String hash = json.path("hash").asText();
            if (!AuditHashing.hashOf((ObjectNode) json).equals(hash)) {
                return broken(lines.size(), files, Kind.EDITED, seq, line,
                        "entry seq " + seq + " was edited: its content does not match its hash");
            }
            if (seq < expected) {
                return broken(lines.size(), files, Kind.REORDERED, seq, line,
                        "entry seq " + seq + " was reordered: it comes after seq " + (expected - 1));
            }
            if (seq > expected) {
                boolean later = seqs.contains(expected);
                return broken(lines.size(), files, later ? Kind.REORDERED : Kind.REMOVED, expected, line, later
                        ? "entry seq " + expected + " was reordered: seq " + seq + " comes before it"
                        : "entry seq " + expected + (seq - expected > 1 ? " to " + (seq - 1) + " were" : " was")
                                + " removed: seq " + seq + " follows seq " + (expected - 1));
            }
            if (!prevHash.equals(json.path("prev_hash").asText())) {
                return broken(lines.size(), files, Kind.EDITED, seq - 1, line, seq == 1
                        ? "entry seq 1 does not start the chain: the log's beginning was replaced"
                        : "the chain breaks between seq " + (seq - 1) + " and seq " + seq + ": seq " + (seq - 1)
                                + " was edited, or entries after it were removed or replaced");
            }
            if (seq == anchorSeq) {
                anchorHashFound = hash;
            }
            prevHash = hash;
            expected = seq + 1;
        }
        if (anchor != null) {
            String wanted = anchor.substring(anchor.indexOf(':') + 1);
            if (anchorHashFound == null || !anchorHashFound.equalsIgnoreCase(wanted)) {
                Line last = lines.isEmpty() ? new Line(dir.resolve(AuditFiles.CURRENT).getFileName().toString(), 0, null)
                        : lines.get(lines.size() - 1);
                return broken(lines.size(), files, Kind.ANCHOR_MISMATCH, anchorSeq, last, anchorHashFound == null
                        ? "entry seq " + anchorSeq + " of the anchor is gone: the log ends at seq " + (expected - 1)
                                + ", so newer entries were removed"
                        : "entry seq " + anchorSeq + " no longer has the anchor's hash: it was replaced");
            }
        }
        return new AuditVerification(lines.size(), files.size(), expected - 1, prevHash, null);
    }

    private static long anchorSeq(String anchor) {
        int colon = anchor.indexOf(':');
        try {
            return Long.parseLong(anchor.substring(0, Math.max(colon, 0)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an anchor looks like SEQ:HASH, e.g. 1042:3f5a...; got '" + anchor + "'");
        }
    }

    private static AuditVerification broken(long entries, Set<String> files, Kind kind, long seq, Line line,
            String message) {
        return new AuditVerification(entries, files.size(), -1, null,
                new AuditVerification.Problem(kind, seq, line.file, line.number, message));
    }

    private static List<Line> readAll(Path dir) {
        List<Path> files = AuditFiles.inOrder(dir);
        List<Line> lines = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read audit file " + file, e);
            }
            String[] split = text.split("\n", -1);
            // the text after the last newline is empty, or a line still being written into the newest file
            int complete = split.length - 1;
            if (f < files.size() - 1 && !split[complete].isEmpty()) {
                complete = split.length; // an older file has no writer: an unterminated last line is content too
            }
            for (int i = 0; i < complete; i++) {
                lines.add(new Line(file.getFileName().toString(), i + 1, AuditLog.parse(split[i])));
            }
        }
        return lines;
    }

    private record Line(String file, long number, JsonNode json) {}
}
