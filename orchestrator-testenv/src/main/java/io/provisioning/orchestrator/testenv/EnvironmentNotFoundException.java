package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.OrchestratorException;

/** No environment with this id (HTTP 404). */
public class EnvironmentNotFoundException extends OrchestratorException {
    public EnvironmentNotFoundException(String what) {
        super("no test environment " + what);
    }
}
