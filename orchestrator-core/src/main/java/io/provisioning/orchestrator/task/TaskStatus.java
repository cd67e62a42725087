package io.provisioning.orchestrator.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Optional;

/** Task states; serialized in PascalCase exactly like the Rust orchestrator did. */
public enum TaskStatus {
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled;

    public boolean isTerminal() {
        return this == Completed || this == Failed || this == Cancelled;
    }

    /** Accepts the compat spelling and, for query strings, any letter case. */
    public static Optional<TaskStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> s.name().equalsIgnoreCase(text.trim())).findFirst();
    }

    @JsonCreator
    static TaskStatus fromJson(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("unknown task status: " + text));
    }
}
