package io.provisioning.orchestrator.format;

import io.provisioning.orchestrator.durability.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.provisioning.orchestrator.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code <data-dir>/format.json}: which version of each durable format the data dir holds, and
 * which orchestrator wrote it. Its own layout has a version too ({@code manifest_version}).
 * Written whole and atomically (temp file, fsync, rename, fsync of the folder).
 */
public record FormatManifest(int manifestVersion, String writtenBy, Map<String, Integer> formats) {
    public static final String FILE = "format.json";
    /** The manifest layout this build reads and writes. */
    public static final int MANIFEST_VERSION = 1;

    public FormatManifest {
        formats = Map.copyOf(formats);
    }

    /** The version of {@code format} recorded here; a format missing from the manifest is at its first version. */
    public int versionOf(String format) {
        return formats.getOrDefault(format, 1);
    }

    /** The manifest in {@code dataDir}, if there is one; unreadable means refused, never guessed. */
    public static Optional<FormatManifest> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = Json.mapper().readTree(file.toFile());
            if (json == null || !json.path("manifest_version").canConvertToInt() || !json.path("formats").isObject()) {
                throw new UnsupportedFormatException(file + " is not a format manifest (it needs \"manifest_version\" "
                        + "and \"formats\"): restore it from a backup of the data dir");
            }
            Map<String, Integer> formats = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.path("formats").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 1) {
                    throw new UnsupportedFormatException(file + " gives format " + e.getKey() + " the version "
                            + e.getValue() + ", which is not a version number: restore it from a backup of the data dir");
                }
                formats.put(e.getKey(), e.getValue().asInt());
            }
            return Optional.of(new FormatManifest(json.path("manifest_version").asInt(),
                    json.path("written_by").asText("unknown"), formats));
        } catch (IOException e) {
            throw new UnsupportedFormatException("cannot read " + file + " (" + e.getMessage()
                    + "): restore it from a backup of the data dir", e);
        }
    }

    /** Replaces {@code dataDir/format.json} with this manifest, durably. */
    public void write(Path dataDir) throws IOException {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("manifest_version", manifestVersion);
        json.put("written_by", writtenBy);
        ObjectNode list = json.putObject("formats");
        new TreeMap<>(formats).forEach(list::put);
        AtomicFiles.write(dataDir.resolve(FILE),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json), true);
    }
}
