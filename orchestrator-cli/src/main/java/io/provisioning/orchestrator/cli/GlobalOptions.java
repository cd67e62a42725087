package io.provisioning.orchestrator.cli;

import io.provisioning.orchestrator.cli.progress.ProgressMode;
import io.provisioning.orchestrator.cli.render.OutputFormat;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command accepts, before or after its name. */
public final class GlobalOptions {
    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "orchestrator address (default: $" + Session.URL_VARIABLE + ", else " + Session.DEFAULT_URL + ")")
    String url;

    @Option(names = "--token", paramLabel = "JWT", scope = ScopeType.INHERIT,
            description = "bearer token sent to the orchestrator (default: $" + Session.TOKEN_VARIABLE + ")")
    String token;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            description = "table (default) or json")
    OutputFormat output;

    @Option(names = "--progress", paramLabel = "MODE", scope = ScopeType.INHERIT,
            description = "how waiting shows progress: auto (a bar on a terminal, lines otherwise), bar or plain")
    ProgressMode progress;

    String url(Map<String, String> env) {
        if (url != null) {
            return url;
        }
        String fromEnv = env.get(Session.URL_VARIABLE);
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : Session.DEFAULT_URL;
    }

    String token(Map<String, String> env) {
        return token != null ? token : env.get(Session.TOKEN_VARIABLE);
    }

    OutputFormat output() {
        return output != null ? output : OutputFormat.table;
    }

    ProgressMode progress() {
        return progress != null ? progress : ProgressMode.auto;
    }
}
