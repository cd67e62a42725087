package io.provisioning.orchestrator.cli;

import io.provisioning.orchestrator.cli.client.OrchestratorClient;
import io.provisioning.orchestrator.cli.progress.ProgressMode;
import io.provisioning.orchestrator.cli.render.OutputFormat;
import io.provisioning.orchestrator.cli.render.Printer;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What every command works with: the streams, the environment, whether stdout is a terminal,
 * and the global options. Tests build one around in-memory streams.
 */
public final class Session {
    public static final String DEFAULT_URL = "http://localhost:8080";
    public static final String URL_VARIABLE = "PROVISIONING_URL";
    public static final String TOKEN_VARIABLE = "PROVISIONING_TOKEN";

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Map<String, String> env;
    private final boolean terminal;
    private GlobalOptions options = new GlobalOptions();
    private OrchestratorClient client;

    public Session(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, boolean terminal) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = Map.copyOf(env);
        this.terminal = terminal;
    }

    /** The real process: System streams, its environment, and a terminal check on stdout. */
    public static Session ofProcess() {
        return new Session(System.out, System.err, System.in, System.getenv(), Terminals.stdoutIsTerminal());
    }

    void use(GlobalOptions options) {
        this.options = options;
        this.client = null;
    }

    public GlobalOptions options() {
        return options;
    }

    public OrchestratorClient client() {
        if (client == null) {
            client = new OrchestratorClient(options.url(env), options.token(env));
        }
        return client;
    }

    public Printer printer() {
        return new Printer(out, options.output());
    }

    public OutputFormat output() {
        return options.output();
    }

    /** Whether waiting commands draw a bar: forced by {@code --progress}, else only on a terminal outside CI. */
    public boolean drawsBar() {
        ProgressMode mode = options.progress();
        if (mode != ProgressMode.auto) {
            return mode == ProgressMode.bar;
        }
        boolean ci = env.containsKey("CI") && !"false".equalsIgnoreCase(env.get("CI"));
        return terminal && !ci && !"dumb".equals(env.get("TERM"));
    }

    /** Terminal width for the bar: {@code COLUMNS} when set, else 80. */
    public int width() {
        try {
            int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "80").strip());
            return columns >= 20 ? columns : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public InputStream in() {
        return in;
    }

    public Map<String, String> env() {
        return env;
    }
}
