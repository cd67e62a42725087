package io.provisioning.orchestrator.auth;

import io.provisioning.orchestrator.OrchestratorException;

/** A key, secret or setting for authentication cannot be used; raised at start, never per request. */
public class AuthConfigurationException extends OrchestratorException {
    public AuthConfigurationException(String message) {
        super(message);
    }

    public AuthConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
