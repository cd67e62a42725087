package io.provisioning.orchestrator.testenv.docker;

import io.provisioning.orchestrator.OrchestratorException;

/** The container engine refused or failed an operation; the message says which and why. */
public class ContainerRuntimeException extends OrchestratorException {
    public ContainerRuntimeException(String message) {
        super(message);
    }

    public ContainerRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
