package io.provisioning.orchestrator.storage.surrealdb.embedded;

import io.provisioning.orchestrator.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the SurrealDB engine host is: the {@code node} binary and {@code surrealdb-host/server.mjs}
 * of this installation, with the pinned {@code @surrealdb/node} next to it in {@code node_modules}.
 */
public record EngineHost(String node, Path script) {

    /**
     * From the options {@code surrealdb-node} and {@code surrealdb-host-script} if given, else
     * {@code node} on the PATH (or $ORCHESTRATOR_NODE) and the script under the orchestrator home
     * (system property {@code orchestrator.home}, set by bin/orchestrator).
     */
    public static EngineHost locate(Map<String, String> options) {
        String node = options.getOrDefault("surrealdb-node", System.getenv().getOrDefault("ORCHESTRATOR_NODE", "node"));
        Path script;
        if (options.containsKey("surrealdb-host-script")) {
            script = Path.of(options.get("surrealdb-host-script"));
        } else {
            script = home().resolve("surrealdb-host/server.mjs");
        }
        script = script.toAbsolutePath().normalize();
        if (!Files.isRegularFile(script)) {
            throw new StorageException("cannot find the SurrealDB engine host at " + script
                    + "; run the orchestrator from its installation (bin/orchestrator sets -Dorchestrator.home)");
        }
        Path modules = script.getParent().getParent().resolve("node_modules/@surrealdb/node");
        if (!Files.isDirectory(modules)) {
            throw new StorageException("the SurrealDB engine (npm package @surrealdb/node) is not installed in "
                    + modules.getParent().getParent() + "; run 'npm ci' in " + script.getParent().getParent());
        }
        return new EngineHost(node, script);
    }

    static Path home() {
        for (String property : new String[] {"orchestrator.home", "orchestrator.repo.root"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                return Path.of(value);
            }
        }
        String env = System.getenv("ORCHESTRATOR_HOME");
        return Path.of(env != null && !env.isBlank() ? env : ".");
    }
}
