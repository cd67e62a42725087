package io.provisioning.orchestrator.durability;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which durable part (the journal, the task files, the event logs, the audit log) cannot be
 * written right now, and why. Each part reports its own failure and its own recovery (a part
 * heals itself by retrying, so a report clears when space returns without anyone acting);
 * {@code /health} answers 503 naming every part listed here, and the workers pause meanwhile.
 */
public final class DurabilityReport {
    public static final String JOURNAL = "journal";
    public static final String TASK_FILES = "task files";
    public static final String EVENT_LOGS = "event logs";
    public static final String AUDIT_LOG = "audit log";

    /** Why {@code part} cannot be written, and since when. */
    public record Problem(String part, String reason, Instant since) {
        public String sentence() {
            return part + ": " + reason + " (since " + since + ")";
        }
    }

    private final Clock clock;
    private final Map<String, Problem> problems = new ConcurrentHashMap<>();

    public DurabilityReport(Clock clock) {
        this.clock = clock;
    }

    /** {@code part} cannot be written; a later call with another reason keeps the first {@code since}. */
    public void failed(String part, String reason) {
        problems.compute(part, (p, old) -> new Problem(part, reason, old != null ? old.since() : clock.instant()));
    }

    public void recovered(String part) {
        problems.remove(part);
    }

    public boolean isFailing(String part) {
        return problems.containsKey(part);
    }

    /** Every part that cannot be written, by name, in a stable order. */
    public Map<String, Problem> problems() {
        return problems.values().stream().sorted(Comparator.comparing(Problem::part))
                .collect(Collectors.toMap(Problem::part, p -> p, (a, b) -> a, LinkedHashMap::new));
    }

    /** One sentence naming every failing part and why, or empty when everything can be written. */
    public Optional<String> summary() {
        Map<String, Problem> now = problems();
        if (now.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("cannot write " + now.values().stream().map(Problem::sentence)
                .collect(Collectors.joining("; ")));
    }
}
