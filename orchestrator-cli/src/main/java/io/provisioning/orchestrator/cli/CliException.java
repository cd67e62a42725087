package io.provisioning.orchestrator.cli;

/**
 * Root of every error the CLI reports on purpose: one line for stderr and the exit code that goes
 * with it. The subclasses name the four ways a command can go wrong.
 */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The operation ran and did not succeed. */
    public static final class OperationFailed extends CliException {
        public OperationFailed(String message) {
            super(ExitCodes.FAILED, message);
        }
    }

    /** The user's input or credentials were rejected. */
    public static final class BadInput extends CliException {
        public BadInput(String message) {
            super(ExitCodes.BAD_INPUT, message);
        }
    }

    /** The orchestrator is down, unreachable, or answered with a server error. */
    public static final class Unavailable extends CliException {
        public Unavailable(String message) {
            super(ExitCodes.UNAVAILABLE, message);
        }
    }

    /** The task, environment or topology named does not exist. */
    public static final class NotFound extends CliException {
        public NotFound(String message) {
            super(ExitCodes.NOT_FOUND, message);
        }
    }

    /** The orchestrator is reachable but does not offer an endpoint this command needs (it is older). */
    public static final class EndpointMissing extends CliException {
        public EndpointMissing(String message) {
            super(ExitCodes.UNAVAILABLE, message);
        }
    }
}
