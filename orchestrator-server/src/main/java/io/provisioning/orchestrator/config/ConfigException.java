package io.provisioning.orchestrator.config;

import io.provisioning.orchestrator.OrchestratorException;

/** The config file cannot be read or says something we cannot use; reported at start, in one line. */
public class ConfigException extends OrchestratorException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
