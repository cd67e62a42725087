package io.provisioning.orchestrator.cli.render;

/** {@code --output}: aligned text for people, or the API's JSON for scripts. */
public enum OutputFormat {
    table,
    json
}
