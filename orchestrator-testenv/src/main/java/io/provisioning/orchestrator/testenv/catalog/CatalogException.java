package io.provisioning.orchestrator.testenv.catalog;

import io.provisioning.orchestrator.OrchestratorException;

/** The catalog or templates file cannot be used; the message names the file and the entry. */
public class CatalogException extends OrchestratorException {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
