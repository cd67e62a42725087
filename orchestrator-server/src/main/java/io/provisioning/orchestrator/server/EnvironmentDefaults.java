package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.config.ConfigException;
import io.provisioning.orchestrator.config.ConfigSection;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a server flag that is not on the command line gets its value: an environment variable
 * ({@code --data-dir} is {@code ORCHESTRATOR_DATA_DIR}), else the config file's {@code server}
 * section ({@code {"server": {"data_dir": "…"}}}; the security flags keep their own sections, read by
 * {@link SecurityFlags}), else the built-in default. A flag on the command line wins over both.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
    static final String PREFIX = "ORCHESTRATOR_";
    static final String SERVER_SECTION = "server";
    private final Map<String, String> environment;
    private final ConfigSection server;

    EnvironmentDefaults(Map<String, String> environment) {
        this(environment, ConfigSection.empty());
    }

    EnvironmentDefaults(Map<String, String> environment, ConfigSection server) {
        this.environment = Map.copyOf(environment);
        this.server = server;
    }

    /**
     * Reads the {@code server} section of the config file the arguments (or ORCHESTRATOR_CONFIG) name,
     * refusing keys that are no server flag.
     */
    static EnvironmentDefaults forServer(CommandSpec spec, String[] args, Map<String, String> environment) {
        Optional<Path> file = configFile(args, environment);
        if (file.isEmpty()) {
            return new EnvironmentDefaults(environment);
        }
        ConfigSection section = ConfigSection.read(file.get()).section(SERVER_SECTION).allowOnly(serverKeys(spec));
        return new EnvironmentDefaults(environment, section);
    }

    static String variableFor(String longName) {
        return PREFIX + bareName(longName).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The config file key of a flag: its {@link ConfigKey}, else {@code server.<name>}; empty for --config. */
    static Optional<String> configKeyFor(OptionSpec option) {
        if (option.longestName().equals("--config") || option.usageHelp() || option.versionHelp()) {
            return Optional.empty();
        }
        ConfigKey key = annotation(option);
        return Optional.of(key != null ? key.value() : SERVER_SECTION + "." + serverKey(option));
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = environment.get(variableFor(option.longestName()));
        if (value != null && !value.isBlank()) {
            return value.strip();
        }
        if (annotation(option) != null || option.longestName().equals("--config")) {
            return null; // read from its own section by SecurityFlags
        }
        boolean isPath = option.type() == Path.class;
        return server.flagText(serverKey(option), isPath);
    }

    private static String bareName(String longName) {
        return longName.replaceFirst("^-+", "");
    }

    private static String serverKey(OptionSpec option) {
        return bareName(option.longestName()).replace('-', '_');
    }

    private static Set<String> serverKeys(CommandSpec spec) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec option : spec.options()) {
            configKeyFor(option).filter(k -> k.startsWith(SERVER_SECTION + ".")).ifPresent(k -> keys.add(k.substring(7)));
        }
        return keys;
    }

    private static ConfigKey annotation(OptionSpec option) {
        return option.userObject() instanceof Field field ? field.getAnnotation(ConfigKey.class) : null;
    }

    private static Optional<Path> configFile(String[] args, Map<String, String> environment) {
        List<String> list = new ArrayList<>(List.of(args));
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            if (arg.equals("--config")) {
                if (i + 1 >= list.size()) {
                    throw new ConfigException("--config needs a file");
                }
                return Optional.of(Path.of(list.get(i + 1)));
            }
            if (arg.startsWith("--config=")) {
                return Optional.of(Path.of(arg.substring("--config=".length())));
            }
        }
        String fromEnvironment = environment.get(PREFIX + "CONFIG");
        return fromEnvironment == null || fromEnvironment.isBlank() ? Optional.empty() : Optional.of(Path.of(fromEnvironment.strip()));
    }
}
