package io.provisioning.orchestrator.server;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every server flag can also be set by an environment variable: {@code --data-dir} is
 * {@code ORCHESTRATOR_DATA_DIR}, {@code --no-audit} is {@code ORCHESTRATOR_NO_AUDIT=true}. A flag on the
 * command line wins over the variable, the variable over the config file and the built-in default
 * (as a container image or a service unit wants it).
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
    static final String PREFIX = "ORCHESTRATOR_";
    private final Map<String, String> environment;

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    static String variableFor(String longName) {
        return PREFIX + longName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = environment.get(variableFor(option.longestName()));
        return value == null || value.isBlank() ? null : value.strip();
    }
}
