package io.provisioning.orchestrator.task;

import java.util.Locale;
import java.util.Optional;

/** Priorities are integers 0..100, higher runs first; these names are accepted as shortcuts. */
public final class Priority {
    public static final int MIN = 0;
    public static final int MAX = 100;
    public static final int LOW = 25;
    public static final int NORMAL = 50;
    public static final int HIGH = 75;
    public static final int CRITICAL = 100;

    private Priority() {}

    public static Optional<Integer> byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "low" -> Optional.of(LOW);
            case "normal" -> Optional.of(NORMAL);
            case "high" -> Optional.of(HIGH);
            case "critical" -> Optional.of(CRITICAL);
            default -> Optional.empty();
        };
    }
}
