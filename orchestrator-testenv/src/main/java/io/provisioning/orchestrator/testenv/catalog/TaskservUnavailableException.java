package io.provisioning.orchestrator.testenv.catalog;

import io.provisioning.orchestrator.InvalidRequestException;

/** The catalog says this taskserv cannot be had on this machine; the message carries its reason. */
public class TaskservUnavailableException extends InvalidRequestException {
    public TaskservUnavailableException(String name, String reason) {
        super("taskserv '" + name + "' is not available here: "
                + (reason == null || reason.isBlank() ? "the catalog marks it unavailable" : reason.strip()));
    }
}
