package io.provisioning.orchestrator.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Command families whose server side is not part of this build yet. They exist so that scripts
 * and completion see their names; running one says so plainly and exits with 2.
 */
final class NotInThisBuild {
    private NotInThisBuild() {}

    static int refuse(Session session, String command) {
        session.err().println("provisioning: '" + command + "' is not available in this build");
        return ExitCodes.BAD_INPUT;
    }

    @Command(name = "auth", description = "Tokens and authentication (not available in this build).")
    static final class Auth implements java.util.concurrent.Callable<Integer> {
        private final Session session;

        @Unmatched
        List<String> words;

        Auth(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return refuse(session, "provisioning auth");
        }
    }
}
