package io.provisioning.orchestrator.workflow;

import io.provisioning.orchestrator.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * What a name handed to a script may look like: letters, digits, dot, dash, underscore; starting
 * with a letter or digit, so it can never be read as a flag, a path or a shell word.
 */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private Names() {}

    public static String require(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidRequestException("field '" + field + "' must not be empty");
        }
        if (!NAME.matcher(value).matches() || value.contains("..")) {
            throw new InvalidRequestException("field '" + field + "' must be a name of letters, digits, '.', '-' or '_'"
                    + " (at most 63, starting with a letter or digit); got " + Printable.quote(value));
        }
        return value;
    }
}
