package io.provisioning.orchestrator.api;

import io.provisioning.orchestrator.OrchestratorException;

/** The server runs without the Test Environment Service (no catalog found); 503 with the reason. */
final class TestEnvironmentsDisabledException extends OrchestratorException {
    TestEnvironmentsDisabledException(String reason) {
        super("test environments are not available on this server: " + reason);
    }
}
