package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.OrchestratorException;

/** Creating an environment failed; the message becomes the environment's {@code error}. */
public class ProvisioningException extends OrchestratorException {
    public ProvisioningException(String message) {
        super(message);
    }
}
