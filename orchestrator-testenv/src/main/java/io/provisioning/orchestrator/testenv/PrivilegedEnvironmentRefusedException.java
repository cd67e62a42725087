package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.OrchestratorException;

/** A test environment asks for more than an unprivileged container and the caller or server does not allow it (HTTP 403). */
public class PrivilegedEnvironmentRefusedException extends OrchestratorException {
    public PrivilegedEnvironmentRefusedException(String message) {
        super(message);
    }
}
