package io.provisioning.orchestrator.testenv.catalog;

import io.provisioning.orchestrator.InvalidRequestException;

/** A template name that the templates file does not have (400 in a create, 404 on its own path). */
public class TemplateNotFoundException extends InvalidRequestException {
    public TemplateNotFoundException(String message) {
        super(message);
    }
}
