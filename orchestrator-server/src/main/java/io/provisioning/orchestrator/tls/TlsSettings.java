package io.provisioning.orchestrator.tls;

import io.provisioning.orchestrator.config.ConfigException;
import io.provisioning.orchestrator.config.ConfigSection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Set;

/**
 * HTTPS from a PKCS#12 keystore; the password is read from a file so it never shows in a process
 * list. Both null: plain HTTP, the default for local use.
 */
public record TlsSettings(Path keystore, Path passwordFile) {
    public static TlsSettings off() {
        return new TlsSettings(null, null);
    }

    public boolean enabled() {
        return keystore != null;
    }

    /** The {@code tls} section: {@code {"keystore": "server.p12", "keystore_password_file": "p12.pass"}}; flags win. */
    public static TlsSettings fromConfig(ConfigSection section, Path keystoreFlag, Path passwordFileFlag) {
        section.allowOnly(Set.of("keystore", "keystore_password_file"));
        return new TlsSettings(keystoreFlag != null ? keystoreFlag : section.path("keystore"),
                passwordFileFlag != null ? passwordFileFlag : section.path("keystore_password_file"));
    }

    /** The password, without a final newline; empty if no file was given. */
    public char[] password() {
        if (passwordFile == null) {
            return new char[0];
        }
        try {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).stripTrailing().toCharArray();
        } catch (IOException e) {
            throw new ConfigException("cannot read the keystore password file " + passwordFile + ": " + e.getMessage(), e);
        }
    }

    /** Opens the keystore now, so a wrong path or password stops the start with one clear line. */
    public void check() {
        if (!enabled()) {
            return;
        }
        if (!Files.isRegularFile(keystore)) {
            throw new ConfigException("--tls-keystore " + keystore + " is not a file");
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password());
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new ConfigException("keystore " + keystore + " holds no private key with a certificate");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cannot open keystore " + keystore + " (PKCS#12; is the password right?): "
                    + e.getMessage(), e);
        }
    }
}
