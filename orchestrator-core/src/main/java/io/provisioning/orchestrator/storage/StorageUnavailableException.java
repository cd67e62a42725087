package io.provisioning.orchestrator.storage;

/** The backend cannot serve right now (disk gone, database unreachable): HTTP 503, try later. */
public class StorageUnavailableException extends StorageException {
    public StorageUnavailableException(String message) {
        super(message);
    }

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
