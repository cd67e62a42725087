package io.provisioning.orchestrator.testenv.docker;

/** The container engine does not answer at all (no daemon, wrong socket, no permission). */
public class ContainerRuntimeUnavailableException extends ContainerRuntimeException {
    public ContainerRuntimeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
