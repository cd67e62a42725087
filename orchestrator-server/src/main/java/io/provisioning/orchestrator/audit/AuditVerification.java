package io.provisioning.orchestrator.audit;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The result of checking a chain: how many entries and files, the last seq and hash, and the first
 * problem if there is one ({@code problem} null when the chain is intact).
 */
public record AuditVerification(long entries, int files, long lastSeq, String lastHash, Problem problem) {

    public enum Kind { EDITED, REMOVED, REORDERED, ANCHOR_MISMATCH }

    /** Where the chain first breaks: the entry ({@code seq}) that was edited, removed or moved, and where it was seen. */
    public record Problem(Kind kind, long seq, String file, long line, String message) {}

    @JsonProperty("intact")
    public boolean intact() {
        return problem == null;
    }

    /** One line for people: "audit log intact: ..." or "audit log broken: ...". */
    @JsonProperty("summary")
    public String summary() {
        if (intact()) {
            return "audit log intact: " + entries + " entries in " + files + " file(s); last seq " + lastSeq + ", hash "
                    + lastHash;
        }
        return "audit log broken: " + problem.message() + " (" + problem.file() + " line " + problem.line() + ")";
    }
}
