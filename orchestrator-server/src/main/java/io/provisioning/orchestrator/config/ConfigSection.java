package io.provisioning.orchestrator.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One object of the JSON config file ({@code --config orchestrator.json}), with typed getters
 * whose errors name the key. Relative paths are resolved against the config file's folder, and
 * unknown keys are refused so a typo does not silently leave security off.
 */
public final class ConfigSection {
    private final JsonNode node;
    private final String where;
    private final Path base;

    private ConfigSection(JsonNode node, String where, Path base) {
        this.node = node;
        this.where = where;
        this.base = base;
    }

    /** An empty section: every getter answers "not set". */
    public static ConfigSection empty() {
        return new ConfigSection(MissingNode.getInstance(), "", Path.of("."));
    }

    public static ConfigSection read(Path file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("config file " + file + " must hold a JSON object");
        }
        Path folder = file.toAbsolutePath().normalize().getParent();
        return new ConfigSection(root, file + ": ", folder);
    }

    public ConfigSection section(String key) {
        JsonNode child = node.path(key);
        if (!child.isMissingNode() && !child.isNull() && !child.isObject()) {
            throw new ConfigException(where + "'" + key + "' must be an object");
        }
        return new ConfigSection(child.isObject() ? child : MissingNode.getInstance(), where + key + ".", base);
    }

    /** Refuses keys this section does not know. */
    public ConfigSection allowOnly(Set<String> keys) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(where + "unknown key(s) " + unknown + "; known: " + keys.stream().sorted().toList());
        }
        return this;
    }

    public String string(String key) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ConfigException(where + "'" + key + "' must be a string");
        }
        return value.asText();
    }

    public Path path(String key) {
        String text = string(key);
        return text == null ? null : base.resolve(text).normalize();
    }

    public Long number(String key) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ConfigException(where + "'" + key + "' must be a whole number");
        }
        return value.asLong();
    }

    public Boolean bool(String key) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new ConfigException(where + "'" + key + "' must be true or false");
        }
        return value.asBoolean();
    }

    /** The keys of this section, in file order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /**
     * A key's value as the text a command-line flag would carry: a string, number or boolean as is,
     * a path resolved against the config file's folder, an object as {@code k=v,k2=v2}; null if unset.
     */
    public String flagText(String key, boolean isPath) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (value.isObject()) {
            List<String> pairs = new ArrayList<>();
            value.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode()) {
                    throw new ConfigException(where + "'" + key + "." + e.getKey() + "' must be a plain value");
                }
                pairs.add(e.getKey() + "=" + e.getValue().asText());
            });
            return String.join(",", pairs);
        }
        if (!value.isValueNode()) {
            throw new ConfigException(where + "'" + key + "' must be a string, number, boolean or object");
        }
        return isPath ? base.resolve(value.asText()).normalize().toString() : value.asText();
    }
}
