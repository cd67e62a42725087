package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS#12 keystore made with keytool at test time; nothing private is committed. */
class TlsEndToEndTest {
    static final String PASSWORD = "test-only-" + Long.toHexString(System.nanoTime());
    @TempDir Path dataDir;
    @TempDir Path workspace;
    @TempDir Path tls;
    Path keystore;
    Path passwordFile;

    @BeforeEach
    void keystoreMadeWithKeytool() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        keystore = tls.resolve("server.p12");
        passwordFile = Files.writeString(tls.resolve("p12.pass"), PASSWORD + "\n");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "orchestrator",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    @Test
    void serves_https_with_the_keystores_certificate_and_tells_scripts_the_https_url() throws Exception {
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5)).build();
        try (ServerProcess server = ServerProcess.startHttps(trusting, dataDir, workspace, Components.fixtureScript(),
                "--tls-keystore", keystore.toString(), "--tls-keystore-password-file", passwordFile.toString())) {
            Api api = server.api();
            assertThat(api.base()).startsWith("https://");
            assertThat(api.get("/health").status()).isEqualTo(200);
            String id = api.createServers("", "ok-tls");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("Completed"));
            assertThat(api.task(id).path("output").asText()).contains("url=https://127.0.0.1:" + server.port());

            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(api.base() + "/health")).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("a client that does not trust the certificate").isInstanceOf(IOException.class);
            assertThat(plainHttpAnswer(server.port())).as("no plain HTTP on the TLS port").isNotEqualTo(200);
        }
    }

    @Test
    void a_wrong_keystore_password_stops_the_start_with_one_clear_line() throws Exception {
        Files.writeString(passwordFile, "wrong\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.provisioning.orchestrator.server.OrchestratorMain", "--port", "0", "--data-dir", dataDir.toString(),
                "--workspace", workspace.toString(), "--provisioning-path", Components.fixtureScript().toString(),
                "--tls-keystore", keystore.toString(), "--tls-keystore-password-file", passwordFile.toString()))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("orchestrator: cannot open keystore").doesNotContain("\tat ");
    }

    private static int plainHttpAnswer(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException | InterruptedException refused) {
            return -1;
        }
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("orchestrator", store.getCertificate("orchestrator"));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
