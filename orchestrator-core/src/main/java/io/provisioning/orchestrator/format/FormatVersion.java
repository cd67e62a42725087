package io.provisioning.orchestrator.format;

/** One durable format and the version of it a data dir holds, or a build reads and writes. */
public record FormatVersion(String format, int version) {
    public FormatVersion {
        if (format == null || !format.matches("[a-z][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("a format name is lower-case letters, digits and '-': " + format);
        }
        if (version < 1) {
            throw new IllegalArgumentException("a format version starts at 1: " + version);
        }
    }

    @Override
    public String toString() {
        return format + " v" + version;
    }
}
