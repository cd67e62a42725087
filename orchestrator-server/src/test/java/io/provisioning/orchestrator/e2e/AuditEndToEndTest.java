package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.audit.VerifyAuditLog;
import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.TestKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log of the real server: what it records, how it reads back, rotation, restarts, and tampering found. */
class AuditEndToEndTest {
    @TempDir Path dataDir;
    @TempDir Path workspace;
    @TempDir Path keys;
    Path secret;

    @BeforeEach
    void workspaceAndKey() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        secret = TestKeys.secretFile(keys, "jwt.secret");
    }

    private ServerProcess start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--auth-hs256-secret-file", secret.toString(), "--workers", "2"));
        args.addAll(List.of(extra));
        return ServerProcess.start(dataDir, workspace, Components.fixtureScript(), args.toArray(String[]::new));
    }

    @Test
    void records_who_did_what_to_which_task_from_where_and_how_it_ended_and_every_status_change() throws Exception {
        try (ServerProcess server = start()) {
            Api alice = server.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
            Api vic = server.api().withToken(Tokens.hs256(secret, Role.VIEWER, "vic"));
            Api root = server.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
            Instant start = Instant.now();
            String id = alice.createServers("", "ok-audit");
            await().atMost(Duration.ofSeconds(30)).until(() -> alice.status(id).equals("Completed"));
            vic.post("/workflows/servers/create", "{}");
            server.api().post("/tasks/" + id + "/retry", "");

            JsonNode submitted = root.get("/audit?subject=alice&action=POST").data().get(0);
            assertThat(submitted.path("actor").asText()).isEqualTo("alice");
            assertThat(submitted.path("role").asText()).isEqualTo("operator");
            assertThat(submitted.path("action").asText()).isEqualTo("POST /workflows/servers/create");
            assertThat(submitted.path("target").asText()).isEqualTo(id);
            assertThat(submitted.path("source").asText()).isEqualTo("127.0.0.1");
            assertThat(submitted.path("outcome").asText()).isEqualTo("200");
            assertThat(Instant.parse(submitted.path("ts").asText())).isAfterOrEqualTo(start.minusSeconds(1));
            assertThat(submitted.path("hash").asText()).hasSize(64);

            List<String> changes = new ArrayList<>();
            root.get("/audit?target=" + id + "&action=task.").data().forEach(e -> changes.add(e.path("action").asText()));
            assertThat(changes).containsExactly("task.completed", "task.running", "task.pending");

            JsonNode denied = root.get("/audit?subject=vic").data().get(0);
            assertThat(denied.path("outcome").asText()).isEqualTo("403");
            assertThat(denied.path("detail").asText()).contains("needs the operator role");
            JsonNode unauthenticated = root.get("/audit?subject=unauthenticated").data().get(0);
            assertThat(unauthenticated.path("action").asText()).isEqualTo("POST /tasks/{id}/retry");
            assertThat(unauthenticated.path("outcome").asText()).isEqualTo("401");

            String from = URLEncoder.encode(Instant.now().plusSeconds(3600).toString(), StandardCharsets.UTF_8);
            assertThat(root.get("/audit?from=" + from).data()).isEmpty();
            assertThat(root.get("/audit?limit=2").data()).hasSize(2);
            assertThat(root.get("/audit?from=yesterday").status()).isEqualTo(400);
            Api.Reply reads = root.get("/audit?limit=1000");
            assertThat(reads.data()).noneMatch(e -> e.path("action").asText().startsWith("GET /tasks"));
            assertThat(reads.headers().get("x-audit-head").get(0)).matches("\\d+:[0-9a-f]{64}");
        }
    }

    @Test
    void rotates_by_size_keeps_the_chain_across_files_and_restarts_and_the_verify_command_says_so() throws Exception {
        try (ServerProcess server = start("--audit-max-file-bytes", "4096")) {
            Api alice = server.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
            for (int i = 0; i < 40; i++) {
                alice.post("/workflows/servers/create", "{\"infra\":\"p\",\"settings\":\"nope.yaml\",\"servers\":[\"a\"]}");
            }
        }
        try (ServerProcess again = start("--audit-max-file-bytes", "4096")) {
            Api bob = again.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "bob"));
            bob.post("/workflows/servers/create", "{}");
            Api root = again.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
            JsonNode verified = root.get("/audit/verify").data();
            assertThat(verified.path("intact").asBoolean()).as(verified.toString()).isTrue();
            assertThat(verified.path("entries").asLong()).isEqualTo(41);
            assertThat(root.get("/audit?subject=bob").data().get(0).path("seq").asLong()).isEqualTo(41);
        }
        try (Stream<Path> files = Files.list(dataDir.resolve("audit"))) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("audit-1.log", "audit-2.log", "audit.log");
        }
        JavaCommand.Result verify = JavaCommand.run(dataDir, VerifyAuditLog.class, "--data-dir", dataDir.toString());
        assertThat(verify.exit()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).startsWith("audit log intact: 41 entries in ");
    }

    @Test
    void a_tampered_audit_file_is_reported_at_the_entry_that_was_edited_or_removed() throws Exception {
        try (ServerProcess server = start()) {
            Api alice = server.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
            for (int i = 0; i < 6; i++) {
                alice.post("/workflows/servers/create", "{}");
            }
        }
        Path log = dataDir.resolve("audit/audit.log");
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.set(2, lines.get(2).replace("\"actor\":\"alice\"", "\"actor\":\"bob\""));
        Files.write(log, lines);
        JavaCommand.Result edited = JavaCommand.run(dataDir, VerifyAuditLog.class, "--data-dir", dataDir.toString());
        assertThat(edited.exit()).isEqualTo(1);
        assertThat(edited.stdout()).isEqualTo("audit log broken: entry seq 3 was edited: its content does not match its hash"
                + " (audit.log line 3)");

        try (ServerProcess server = start()) {
            JsonNode verified = server.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root")).get("/audit/verify").data();
            assertThat(verified.path("intact").asBoolean()).isFalse();
            assertThat(verified.path("problem").path("seq").asLong()).isEqualTo(3);
            assertThat(verified.path("problem").path("kind").asText()).isEqualTo("EDITED");
        }

        lines.remove(2);
        lines.remove(3);
        Files.write(log, lines);
        JavaCommand.Result removed = JavaCommand.run(dataDir, VerifyAuditLog.class, "--audit-dir",
                dataDir.resolve("audit").toString());
        assertThat(removed.exit()).isEqualTo(1);
        assertThat(removed.stdout()).contains("entry seq 3 was removed");
    }
}
