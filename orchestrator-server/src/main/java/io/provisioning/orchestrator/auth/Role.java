package io.provisioning.orchestrator.auth;

import java.util.Locale;
import java.util.Optional;

/** What a token holder may do; each role includes the ones before it. */
public enum Role {
    /** Reads: tasks, logs, events, environments, metrics. */
    VIEWER,
    /** Submits, cancels and retries work; creates, runs and removes test environments. */
    OPERATOR,
    /** Storage migration, the audit log, settings. */
    ADMIN;

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The spelling in tokens and messages: {@code viewer}, {@code operator}, {@code admin}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
