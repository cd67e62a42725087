package io.provisioning.orchestrator.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads RSA and EC keys from PEM files (SubjectPublicKeyInfo and PKCS#8), as openssl writes them. */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PemKeys() {}

    static PublicKey publicKey(Path file) {
        byte[] der = block(file, "PUBLIC KEY");
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new AuthConfigurationException("public key " + file + " is neither an RSA nor an EC key");
    }

    static PrivateKey privateKey(Path file) {
        byte[] der = block(file, "PRIVATE KEY");
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new AuthConfigurationException("private key " + file + " is neither an RSA nor an EC key in PKCS#8");
    }

    private static byte[] block(Path file, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AuthConfigurationException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                return Base64.getMimeDecoder().decode(m.group(2));
            }
        }
        throw new AuthConfigurationException("key file " + file + " has no '-----BEGIN " + type + "-----' block"
                + (type.equals("PRIVATE KEY") ? " (convert with: openssl pkcs8 -topk8 -nocrypt)" : ""));
    }
}
