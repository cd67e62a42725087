package io.provisioning.orchestrator.audit;

import java.time.Instant;

/**
 * Filters for reading the audit log; null means "any". {@code action} matches as a prefix (so
 * {@code task.} finds every task change and {@code POST} every POST); the others match exactly.
 * {@code from} is inclusive, {@code to} exclusive.
 */
public record AuditQuery(String subject, String action, String target, Instant from, Instant to, int limit) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public boolean matches(AuditEntry entry) {
        AuditRecord r = entry.record();
        return (subject == null || subject.equals(r.actor()))
                && (action == null || (r.action() != null && r.action().startsWith(action)))
                && (target == null || target.equals(r.target()))
                && (from == null || !entry.ts().isBefore(from))
                && (to == null || entry.ts().isBefore(to));
    }
}
