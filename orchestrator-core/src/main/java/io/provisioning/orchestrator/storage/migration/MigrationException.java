package io.provisioning.orchestrator.storage.migration;

import io.provisioning.orchestrator.storage.StorageException;

/** A migration cannot start or did not end well; the message says what to do. The source is never changed. */
public class MigrationException extends StorageException {
    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
