package io.provisioning.orchestrator.retry;

import java.util.Map;
import java.util.Optional;

/**
 * Exit codes by which a provisioning script says that trying again cannot help (the codes of BSD's
 * sysexits.h, which many tools already use); documented for library authors in docs/EXIT-CODES.md.
 * Any other non-zero code is a failure that may be retried.
 */
public final class NonRetryableExitCodes {
    private static final Map<Integer, String> MEANING = Map.of(
            64, "bad arguments",
            65, "bad settings",
            66, "a file the settings name is missing",
            68, "the server or host does not exist",
            77, "permission refused by the provider",
            78, "bad configuration");

    private NonRetryableExitCodes() {}

    /** What the code means if a retry cannot fix it; empty for a code that may be retried. */
    public static Optional<String> meaning(Integer exitCode) {
        return exitCode == null ? Optional.empty() : Optional.ofNullable(MEANING.get(exitCode));
    }
}
