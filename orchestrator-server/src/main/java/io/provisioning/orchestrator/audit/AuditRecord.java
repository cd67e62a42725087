package io.provisioning.orchestrator.audit;

/**
 * What happened, before it is numbered and chained: who ({@code actor}, with {@code role} when
 * known), what ({@code action}), to what ({@code target}), from where ({@code source}) and how it
 * ended ({@code outcome}); {@code detail} is an optional short note.
 */
public record AuditRecord(String actor, String role, String action, String target, String source, String outcome,
        String detail) {
    /** Longest value kept per field; longer ones are cut and marked, so one entry stays one small line. */
    static final int MAX_FIELD = 512;

    public AuditRecord {
        actor = bounded(actor);
        role = bounded(role);
        action = bounded(action);
        target = bounded(target);
        source = bounded(source);
        outcome = bounded(outcome);
        detail = bounded(detail);
    }

    private static String bounded(String value) {
        if (value == null || value.length() <= MAX_FIELD) {
            return value;
        }
        return value.substring(0, MAX_FIELD) + "...";
    }
}
