package io.provisioning.orchestrator.auth;

import io.provisioning.orchestrator.OrchestratorException;
import io.provisioning.orchestrator.config.ConfigSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code provisioning auth token --role operator --subject alice --ttl 1h}: prints a token the
 * server accepts, signed with the server's key. The key comes from flags or from the server's
 * config file ({@code auth.hs256_secret_file}, or {@code auth.private_key} / a private JWKS for
 * RS256/ES256, whose public half the server verifies with).
 */
@Command(name = "provisioning auth token", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Mints a bearer token (JWT) for the orchestrator API and prints it.")
public final class MintToken implements Callable<Integer> {
    @Option(names = "--role", required = true, description = "viewer, operator or admin")
    String role;

    @Option(names = "--subject", required = true, description = "who the token is for, e.g. alice or ci-bot")
    String subject;

    @Option(names = "--ttl", defaultValue = "1h", description = "lifetime: 90s, 15m, 1h, 7d (default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--config", description = "the server's config file (default: $ORCHESTRATOR_CONFIG, else ./orchestrator.json if present)")
    Path config;

    @Option(names = "--hs256-secret-file", description = "sign with this shared secret (HS256)")
    Path secretFile;

    @Option(names = "--private-key", description = "sign with this PKCS#8 PEM private key (RSA: RS256, EC P-256: ES256)")
    Path privateKey;

    @Option(names = "--jwks", description = "sign with the first private key of this JWKS file, naming its kid")
    Path jwks;

    @Option(names = "--key-id", description = "kid header for --private-key")
    String keyId;

    @Option(names = "--issuer", description = "iss claim (default: the config's, else " + AuthSettings.DEFAULT_ISSUER + ")")
    String issuer;

    @Option(names = "--audience", description = "aud claim (default: the config's, else " + AuthSettings.DEFAULT_AUDIENCE + ")")
    String audience;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; for a CLI that embeds it (e.g. as {@code auth token}). */
    public static int run(String... args) {
        CommandLine line = new CommandLine(new MintToken());
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("auth token: " + e.getMessage());
            return 2;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        Role wanted = Role.parse(role).orElseThrow(() -> new IllegalArgumentException(
                "--role must be viewer, operator or admin; got '" + role + "'"));
        if (!subject.matches("[\\x21-\\x7e]{1,200}")) {
            throw new IllegalArgumentException("--subject must be 1 to 200 visible ASCII characters");
        }
        AuthSettings settings = settings();
        SigningKey key = signingKey(settings);
        String token = new TokenMinter(key, issuer != null ? issuer : settings.issuer(),
                audience != null ? audience : settings.audience(), Clock.systemUTC()).mint(subject, wanted, Ttl.parse(ttl));
        System.out.println(token);
        return 0;
    }

    private AuthSettings settings() {
        Path file = config;
        if (file == null && System.getenv("ORCHESTRATOR_CONFIG") != null) {
            file = Path.of(System.getenv("ORCHESTRATOR_CONFIG"));
        }
        if (file == null && Files.isRegularFile(Path.of("orchestrator.json"))) {
            file = Path.of("orchestrator.json");
        }
        if (file == null) {
            return AuthSettings.off();
        }
        return AuthSettings.fromConfig(ConfigSection.read(file).section("auth"), false);
    }

    private SigningKey signingKey(AuthSettings settings) {
        if (secretFile != null) {
            return SigningKey.hs256(secretFile);
        }
        if (privateKey != null) {
            return SigningKey.privateKey(privateKey, keyId);
        }
        if (jwks != null) {
            return SigningKey.fromJwks(jwks);
        }
        if (settings.hs256SecretFile() != null) {
            return SigningKey.hs256(settings.hs256SecretFile());
        }
        if (settings.privateKey() != null) {
            return SigningKey.privateKey(settings.privateKey(), keyId);
        }
        throw new OrchestratorException("no signing key: give --hs256-secret-file, --private-key or --jwks, or a --config"
                + " whose auth section has hs256_secret_file or private_key");
    }
}
