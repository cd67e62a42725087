package io.provisioning.orchestrator.cli;

/**
 * What {@code provisioning} exits with. Scripts rely on these numbers: they never change meaning.
 */
public final class ExitCodes {
    /** The command did what was asked (a followed task ended Completed, every check passed). */
    public static final int OK = 0;
    /** The operation ran and failed: a task ended Failed or Cancelled, a check did not pass. */
    public static final int FAILED = 1;
    /** The request was wrong: bad usage, invalid input, rejected token (HTTP 4xx other than 404). */
    public static final int BAD_INPUT = 2;
    /** The orchestrator could not be reached or broke (connection refused, timeout, HTTP 5xx). */
    public static final int UNAVAILABLE = 3;
    /** What was named does not exist (HTTP 404: unknown task, environment or topology). */
    public static final int NOT_FOUND = 4;

    /** The same table for {@code --help}. */
    static final String HELP = """
            Exit codes:
              0  ok
              1  the operation failed (task ended Failed/Cancelled, a check failed)
              2  usage error or request rejected (invalid input, bad token: HTTP 4xx)
              3  orchestrator unreachable or broken (connection refused, HTTP 5xx)
              4  not found (unknown task, environment or topology: HTTP 404)""";

    private ExitCodes() {}
}
