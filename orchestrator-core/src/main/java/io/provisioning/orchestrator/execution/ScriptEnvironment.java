package io.provisioning.orchestrator.execution;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The environment a script starts with: an allow-list, never the server's whole environment
 * (which may hold tokens, database passwords or cloud keys). Passed on from the server's
 * environment: {@code PATH}, {@code HOME}, {@code LANG}, every {@code PROVISIONING_*} variable, and
 * the names the operator lists ({@code --script-env NAME}); the caller then adds what the script is
 * told (task id, attempt, ...).
 */
public final class ScriptEnvironment {
    /** Always passed on when the server has them. */
    public static final List<String> ALWAYS = List.of("PATH", "HOME", "LANG");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private final Set<String> extra;

    public ScriptEnvironment(List<String> operatorNames) {
        for (String name : operatorNames) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("--script-env '" + name
                        + "' is not an environment variable name (letters, digits and _, not starting with a digit)");
            }
        }
        this.extra = Set.copyOf(new LinkedHashSet<>(operatorNames));
    }

    /** Only the fixed allow-list. */
    public static ScriptEnvironment standard() {
        return new ScriptEnvironment(List.of());
    }

    /** The variables of {@code serverEnvironment} a script may see. */
    public Map<String, String> from(Map<String, String> serverEnvironment) {
        Map<String, String> env = new HashMap<>();
        serverEnvironment.forEach((name, value) -> {
            if (ALWAYS.contains(name) || name.startsWith("PROVISIONING_") || extra.contains(name)) {
                env.put(name, value);
            }
        });
        return env;
    }

    /** Replaces the environment of {@code builder} (a copy of the server's) with the allowed part of it. */
    public void applyTo(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        Map<String, String> allowed = from(Map.copyOf(env));
        env.clear();
        env.putAll(allowed);
    }
}
