package io.provisioning.orchestrator.audit;

import java.time.Instant;

/** The entries that could not be written while the audit log was failing: how many, when, and why. */
final class AuditGap {
    private long lost;
    private Instant from;
    private Instant to;
    private String reason;

    void lost(Instant at, String why) {
        if (lost == 0) {
            from = at;
        }
        lost++;
        to = at;
        reason = why;
    }

    long count() {
        return lost;
    }

    /** The entry that records the gap in the chain, once it can be written. */
    AuditRecord record() {
        return new AuditRecord("orchestrator", null, "audit.gap", null, "audit log", "lost",
                lost + (lost == 1 ? " entry" : " entries") + " could not be written between " + from + " and " + to
                        + ": " + reason);
    }

    void clear() {
        lost = 0;
        from = null;
        to = null;
        reason = null;
    }
}
