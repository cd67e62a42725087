package io.provisioning.orchestrator.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Keys made at test time and written the way openssl writes them; nothing private is ever committed. */
public final class TestKeys {
    private TestKeys() {}

    public static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ecP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A random shared secret of 48 bytes, base64 with a final newline, as {@code head -c 48 /dev/urandom | base64} makes. */
    public static Path secretFile(Path dir, String name) throws IOException {
        byte[] random = new byte[48];
        new java.security.SecureRandom().nextBytes(random);
        return Files.writeString(dir.resolve(name), Base64.getEncoder().encodeToString(random) + "\n");
    }

    public static Path pem(Path file, String type, Key key) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded());
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
