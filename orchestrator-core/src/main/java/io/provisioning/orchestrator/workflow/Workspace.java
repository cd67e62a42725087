package io.provisioning.orchestrator.workflow;

import io.provisioning.orchestrator.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The folder of infras and settings files, and the scripts' working directory. A settings path
 * from a request must stay inside it, symlinks included, and name an existing file.
 */
public final class Workspace {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private final Path root;

    public Workspace(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("workspace " + root + " does not exist", e);
        }
    }

    public Path root() {
        return root;
    }

    /** Checks a settings path and returns it as the script will see it (relative paths stay relative). */
    public String requireSettings(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException("field '" + field + "' must name a settings file in the workspace");
        }
        if (value.length() > 255) {
            throw new InvalidRequestException("field '" + field + "' is longer than 255 characters");
        }
        Path given;
        try {
            given = Path.of(value);
        } catch (InvalidPathException e) {
            throw new InvalidRequestException("field '" + field + "' is not a valid path: " + Printable.quote(value));
        }
        for (Path segment : given) {
            checkSegment(field, value, segment.toString());
        }
        Path resolved = root.resolve(given).normalize();
        if (!resolved.startsWith(root)) {
            throw new InvalidRequestException("field '" + field + "' must stay inside the workspace; got "
                    + Printable.quote(value));
        }
        Path real;
        try {
            real = resolved.toRealPath();
        } catch (IOException e) {
            throw new InvalidRequestException("field '" + field + "': no such file in the workspace: "
                    + Printable.quote(value));
        }
        if (!real.startsWith(root)) {
            throw new InvalidRequestException("field '" + field + "' must stay inside the workspace; "
                    + Printable.quote(value) + " links outside it");
        }
        if (!Files.isRegularFile(real)) {
            throw new InvalidRequestException("field '" + field + "' must name a file, not a folder: "
                    + Printable.quote(value));
        }
        return value;
    }

    private static void checkSegment(String field, String value, String segment) {
        if (segment.equals("..")) {
            throw new InvalidRequestException("field '" + field + "' must not contain '..'; got " + Printable.quote(value));
        }
        if (!segment.isEmpty() && !SEGMENT.matcher(segment).matches()) {
            throw new InvalidRequestException("field '" + field + "' may only use letters, digits, '.', '-', '_'"
                    + " and '/'; got " + Printable.quote(value));
        }
        if (segment.startsWith("-")) {
            throw new InvalidRequestException("field '" + field + "' must not start a path segment with '-'; got "
                    + Printable.quote(value));
        }
    }
}
