package io.provisioning.orchestrator.storage;

/** Another node stored a task with the same sequence number first; take a new number and write again. */
public class DuplicateSequenceException extends StorageException {
    public DuplicateSequenceException(String message) {
        super(message);
    }
}
