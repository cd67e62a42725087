package io.provisioning.orchestrator.format;

import io.provisioning.orchestrator.OrchestratorException;

/**
 * A data dir (or a database) this build cannot open as it is: a format newer than it knows, one
 * it has no upgrade for, or an upgrade that failed. The message is one sentence that says what to
 * do; the server refuses to start with it and has changed nothing on disk.
 */
public class UnsupportedFormatException extends OrchestratorException {
    public UnsupportedFormatException(String message) {
        super(message);
    }

    public UnsupportedFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
