package io.provisioning.orchestrator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version this build carries (from the Maven project version, filtered into {@code version.properties}). */
public final class OrchestratorVersion {
    private static final String VERSION = read();

    private OrchestratorVersion() {}

    public static String current() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = OrchestratorVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.contains("${") ? "unknown" : version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build's version.properties", e);
        }
    }
}
