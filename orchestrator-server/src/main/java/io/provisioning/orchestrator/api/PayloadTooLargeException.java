package io.provisioning.orchestrator.api;

import io.provisioning.orchestrator.OrchestratorException;

public class PayloadTooLargeException extends OrchestratorException {
    public PayloadTooLargeException(long limit) {
        super("request body is larger than " + limit + " bytes");
    }
}
