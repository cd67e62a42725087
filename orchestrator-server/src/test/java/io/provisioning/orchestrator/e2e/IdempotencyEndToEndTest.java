package io.provisioning.orchestrator.e2e;

import static io.provisioning.orchestrator.e2e.Submissions.assertOneSubmission;
import static io.provisioning.orchestrator.e2e.Submissions.assertReplayed;
import static io.provisioning.orchestrator.e2e.Submissions.total;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Idempotency-Key} on the real server (filesystem storage) for servers, taskserv, cluster
 * and batch bodies: a repeat answers the first ids, another body answers 409 and creates nothing,
 * twenty requests at once make one submission, and all of it holds after a SIGKILL and restart.
 */
class IdempotencyEndToEndTest {
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        server = ServerProcess.startWith(dataDir, workspace, script(), "sh", "--workers", "2", "--cluster-plan-limit", "32");
        api = server.api();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    static Path script() {
        return Components.repoRoot().resolve("orchestrator-server/src/test/resources/fixtures/submissions.sh");
    }

    @Test
    void a_repeated_request_with_its_key_answers_the_first_ids_and_creates_nothing_more() throws Exception {
        for (Submissions kind : Submissions.values()) {
            long before = total(api);
            Api.Reply first = kind.post(api, kind.body(), "repeat-" + kind);
            assertThat(total(api)).as(kind + " creates its tasks").isEqualTo(before + kind.tasks);
            Api.Reply again = kind.post(api, kind.body(), "repeat-" + kind);
            assertReplayed(first, again);
            assertThat(total(api)).as(kind + " repeated").isEqualTo(before + kind.tasks);
        }
    }

    @Test
    void a_used_key_with_another_body_answers_409_and_creates_nothing() throws Exception {
        for (Submissions kind : Submissions.values()) {
            assertThat(kind.post(api, kind.body(), "changed-" + kind).status()).isEqualTo(200);
            long before = total(api);
            Api.Reply changed = kind.post(api, kind.changedBody(), "changed-" + kind);
            assertThat(changed.status()).as(kind + ": " + changed.body()).isEqualTo(409);
            assertThat(changed.error()).contains("Idempotency-Key", "changed-" + kind);
            assertThat(total(api)).as(kind + ": tasks after the refused body").isEqualTo(before);
        }
    }

    @Test
    void twenty_concurrent_requests_with_one_key_create_exactly_one_submission() throws Exception {
        for (Submissions kind : Submissions.values()) {
            long before = total(api);
            assertOneSubmission(kind.concurrently(List.of(api), 20, "race-" + kind));
            assertThat(total(api)).as(kind + ": tasks of 20 concurrent requests").isEqualTo(before + kind.tasks);
        }
    }

    @Test
    void keys_hold_across_a_sigkill_and_restart() throws Exception {
        Path data = Files.createTempDirectory("idempotency-restart");
        Map<Submissions, Api.Reply> first = new EnumMap<>(Submissions.class);
        long before;
        try (ServerProcess node = ServerProcess.startWith(data, workspace, script(), "sh", "--cluster-plan-limit", "32")) {
            for (Submissions kind : Submissions.values()) {
                first.put(kind, kind.post(node.api(), kind.body(), "restart-" + kind));
            }
            before = total(node.api());
            node.kill9();
        }
        try (ServerProcess restarted = ServerProcess.startWith(data, workspace, script(), "sh", "--cluster-plan-limit", "32")) {
            Api again = restarted.api();
            for (Submissions kind : Submissions.values()) {
                assertReplayed(first.get(kind), kind.post(again, kind.body(), "restart-" + kind));
                assertThat(kind.post(again, kind.changedBody(), "restart-" + kind).status()).as(kind.toString())
                        .isEqualTo(409);
            }
            assertThat(total(again)).isEqualTo(before);
        }
    }
}
