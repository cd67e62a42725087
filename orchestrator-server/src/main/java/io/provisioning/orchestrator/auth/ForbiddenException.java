package io.provisioning.orchestrator.auth;

import io.provisioning.orchestrator.OrchestratorException;

/** A valid token whose role may not do this (HTTP 403). */
public class ForbiddenException extends OrchestratorException {
    public ForbiddenException(Role has, Role needed, String what) {
        super(what + " needs the " + needed.wireName() + " role; this token has " + has.wireName());
    }
}
