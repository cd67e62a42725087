package io.provisioning.orchestrator.storage.surrealdb.rpc;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach SurrealDB.
 *
 * @param url             {@code ws://host:port} (the RPC path {@code /rpc} is added when missing)
 * @param username        root user for {@code signin}; null to skip signin
 * @param requestTimeout  how long one request may take before {@link SurrealTimeoutException}
 * @param reconnectDelay  first pause between reconnect attempts; doubles up to {@code maxReconnectDelay}
 */
public record SurrealOptions(URI url, String username, String password, String namespace, String database,
        Duration connectTimeout, Duration requestTimeout, Duration reconnectDelay, Duration maxReconnectDelay) {

    public SurrealOptions {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(database, "database");
        String scheme = url.getScheme();
        if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
            throw new IllegalArgumentException("SurrealDB url must start with ws:// or wss://, not " + url);
        }
        if (url.getPath() == null || url.getPath().isEmpty() || url.getPath().equals("/")) {
            url = url.resolve("/rpc");
        }
    }

    public static SurrealOptions of(String url, String username, String password, String namespace, String database) {
        return new SurrealOptions(URI.create(url), username, password, namespace, database, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    public SurrealOptions withRequestTimeout(Duration timeout) {
        return new SurrealOptions(url, username, password, namespace, database, connectTimeout, timeout,
                reconnectDelay, maxReconnectDelay);
    }

    public SurrealOptions withDatabase(String newNamespace, String newDatabase) {
        return new SurrealOptions(url, username, password, newNamespace, newDatabase, connectTimeout, requestTimeout,
                reconnectDelay, maxReconnectDelay);
    }

    public SurrealOptions withUrl(URI newUrl) {
        return new SurrealOptions(newUrl, username, password, namespace, database, connectTimeout, requestTimeout,
                reconnectDelay, maxReconnectDelay);
    }

    @Override
    public String toString() { // never print the password
        return "SurrealOptions[" + url + ", user " + username + ", " + namespace + "/" + database + "]";
    }
}
