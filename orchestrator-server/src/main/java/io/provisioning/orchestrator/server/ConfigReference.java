package io.provisioning.orchestrator.server;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Prints docs/CONFIGURATION.md from the server's own option model, so the reference cannot drift:
 * every flag with its environment variable, config file key, default and description.
 * {@code ConfigReferenceTest} fails when the committed file differs from what this prints;
 * regenerate it with {@code bin/orchestrator-config-reference}.
 */
public final class ConfigReference {
    private ConfigReference() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(markdown());
    }

    static String markdown() {
        CommandLine cli = new CommandLine(new OrchestratorMain());
        StringBuilder md = new StringBuilder();
        md.append("# Server configuration reference\n\n");
        md.append("Generated from the code by `bin/orchestrator-config-reference` (`ConfigReferenceTest` fails when this file\n");
        md.append("differs from it). Each setting can be given three ways; the first that is set wins:\n\n");
        md.append("1. the flag on the command line (`bin/orchestrator --workers 8`);\n");
        md.append("2. the environment variable (`ORCHESTRATOR_WORKERS=8`; a container image or a service unit sets these);\n");
        md.append("3. the key in the JSON file named by `--config` or `ORCHESTRATOR_CONFIG` (`{\"server\": {\"workers\": 8}}`);\n");
        md.append("   relative paths in the file are relative to the file, a map flag takes an object\n");
        md.append("   (`{\"server\": {\"limit_workflow\": {\"servers.create\": 2}}}`), and an unknown key in any section is an error.\n\n");
        md.append("Then the built-in default. `audit.enabled: false` in the file is `--no-audit`.\n\n");
        md.append("| flag | environment variable | config file key | default | what |\n");
        md.append("|---|---|---|---|---|\n");
        for (OptionSpec option : cli.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            cells.add("`" + String.join("`, `", option.names()) + (option.arity().max() > 0 ? " " + label(option) : "") + "`");
            cells.add("`" + EnvironmentDefaults.variableFor(option.longestName()) + "`");
            cells.add(EnvironmentDefaults.configKeyFor(option).map(k -> "`" + k + "`").orElse(""));
            String defaultValue = option.defaultValue();
            cells.add(defaultValue == null ? "" : "`" + defaultValue + "`");
            String description = String.join(" ", option.description())
                    .replace("${DEFAULT-VALUE}", defaultValue == null ? "none" : defaultValue).replace("|", "\\|");
            cells.add(description);
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return md.toString();
    }

    private static String label(OptionSpec option) {
        String label = option.paramLabel();
        if (label == null || label.isBlank() || label.startsWith("<")) {
            // picocli's default label is the Java field name: name it after the flag instead
            label = option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(java.util.Locale.ROOT);
        }
        return label;
    }
}
