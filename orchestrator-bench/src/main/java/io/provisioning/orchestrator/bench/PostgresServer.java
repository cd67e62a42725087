package io.provisioning.orchestrator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The PostgreSQL server the {@code postgresql} runs use: each store in a schema of its own, named
 * after its data dir, made here before the store is opened (the store's migrations then create its
 * tables in it, as they would in an empty database).
 */
record PostgresServer(String url, String user, Path passwordFile) {

    Map<String, String> options(String storeName) {
        String schema = "bench_" + storeName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        try (Connection c = DriverManager.getConnection(url, user, password()); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make schema " + schema + " on " + url + ": " + e.getMessage(), e);
        }
        Map<String, String> options = new HashMap<>();
        options.put("postgresql-url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        options.put("postgresql-user", user);
        if (passwordFile != null) {
            options.put("postgresql-password-file", passwordFile.toString());
        }
        options.put("postgresql-pool-size", "32");
        return options;
    }

    private String password() {
        try {
            return passwordFile == null ? null : Files.readAllLines(passwordFile).get(0).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
