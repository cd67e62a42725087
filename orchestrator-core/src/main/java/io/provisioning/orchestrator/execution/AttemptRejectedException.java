package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.OrchestratorException;

/**
 * Found before anything ran (the interpreter or the script is missing, the workspace is gone): no
 * retry can fix it, so the task fails at once and no attempt is used.
 */
public final class AttemptRejectedException extends OrchestratorException {
    public AttemptRejectedException(String message) {
        super(message);
    }
}
