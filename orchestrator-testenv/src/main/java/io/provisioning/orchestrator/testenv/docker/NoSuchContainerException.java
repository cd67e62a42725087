package io.provisioning.orchestrator.testenv.docker;

/** The container (or network, volume, image) named is not there. */
public class NoSuchContainerException extends ContainerRuntimeException {
    public NoSuchContainerException(String message) {
        super(message);
    }
}
