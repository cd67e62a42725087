package io.provisioning.orchestrator.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's files, read from {@code ui/} on the class path (the server jar) once each and
 * kept in memory (a few dozen KiB). Served by the API's own handler rather than Jetty's static
 * resources: those mount the whole jar as a zip file system, several times, an index of every one
 * of its ~25,000 entries each (about 38 MiB of heap on an idle server).
 */
final class ConsoleFiles {
    /** Path segments of letters, digits, {@code . _ -}, none starting with a dot: no {@code ..}, no hidden file. */
    private static final Pattern SAFE = Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    /** More distinct names than the console has files are not remembered (a scan of made-up names stays small). */
    private static final int MAX_REMEMBERED = 256;

    record File(byte[] bytes, String contentType) {}

    private final String root;
    private final ClassLoader loader;
    private final Map<String, Optional<File>> remembered = new ConcurrentHashMap<>();

    ConsoleFiles(String root, ClassLoader loader) {
        this.root = root.endsWith("/") ? root : root + "/";
        this.loader = loader;
    }

    /** The file at {@code relative} under the console's folder ({@code ""}: its index), if there is one. */
    Optional<File> find(String relative) {
        String name = relative.isEmpty() || relative.endsWith("/") ? relative + "index.html" : relative;
        if (name.length() > 200 || !SAFE.matcher(name).matches()) {
            return Optional.empty();
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        Optional<File> known = remembered.get(name);
        if (known != null) {
            return known;
        }
        Optional<File> found = read(name).map(bytes -> new File(bytes, type));
        if (found.isPresent() || remembered.size() < MAX_REMEMBERED) {
            remembered.put(name, found);
        }
        return found;
    }

    private Optional<byte[]> read(String name) {
        try (InputStream in = loader.getResourceAsStream(root + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console file " + name, e);
        }
    }
}
