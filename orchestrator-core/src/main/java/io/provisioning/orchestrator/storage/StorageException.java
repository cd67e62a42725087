package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.OrchestratorException;

public class StorageException extends OrchestratorException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
