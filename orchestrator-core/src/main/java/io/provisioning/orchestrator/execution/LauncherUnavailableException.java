package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.OrchestratorException;

/**
 * The attempt could not be started now, for a reason a later try can fix: the attempt launcher
 * exited before it was ready (the server is stopping, or it was killed), or a watchdog gave no word
 * in time on a loaded machine. Unlike {@link AttemptRejectedException} the task does not fail: it
 * stays Pending, uses no attempt, and is claimed again after a short pause (or at the next start).
 */
public final class LauncherUnavailableException extends OrchestratorException {
    public LauncherUnavailableException(String message) {
        super(message);
    }
}
