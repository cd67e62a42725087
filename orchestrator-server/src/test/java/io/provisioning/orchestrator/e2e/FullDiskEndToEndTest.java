package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.testing.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with its data dir on a real 16 MiB tmpfs that is filled to the last byte and
 * freed again: health names what cannot be written, the audit log fails closed (or, with
 * --audit-fail-open, records the gap), pending tasks wait and then run by themselves, every
 * acknowledged task survives SIGKILL, and the audit chain verifies intact.
 */
class FullDiskEndToEndTest {
    @TempDir Path tmp;
    @TempDir Path workspace;

    @org.junit.jupiter.api.extension.RegisterExtension
    final org.junit.jupiter.api.extension.TestWatcher printServerLogOnFailure = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            if (last != null) {
                System.out.println("server log:\n" + String.join("\n", last.log()));
            }
        }
    };
    private ServerProcess last;

    @Test
    void a_full_data_disk_loses_nothing_refuses_unaudited_changes_and_heals_when_space_returns() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        List<String> acknowledged = new ArrayList<>();
        try (SmallDisk disk = SmallDisk.mount(tmp, 16)) {
            Path dataDir = disk.path().resolve("data");
            try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                    "--workers", "1")) {
                Api api = server.api();
                String running = api.createServers(",\"priority\":90", "sleep3000-first");
                acknowledged.add(running);
                acknowledged.add(api.createServers("", "ok-1"));
                acknowledged.add(api.createServers("", "ok-2"));
                await().atMost(Duration.ofSeconds(30)).until(() -> api.status(running).equals("Running"));

                fillAndSettle(disk);
                Api.Reply health = awaitHealth(api, 503, "audit log");
                // which of the two the health names depends on what met the full disk first: the audit log's
                // check of the free space, or an entry written meanwhile into the space its reserve kept
                assertThat(health.error()).containsAnyOf("audit log: its disk has only", "audit log: its disk is full")
                        .containsAnyOf("bytes free", "No space left on device");

                // fail closed: a mutating request whose audit entry could not be written changes nothing
                Api.Reply refused = api.post("/workflows/servers/create", "{\"infra\":\"production\","
                        + "\"settings\":\"./settings.yaml\",\"servers\":[\"ok-refused\"],\"check_mode\":false}");
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.error()).contains("audit log cannot be written").contains("changed nothing");
                assertThat(api.post("/tasks/" + acknowledged.get(2) + "/cancel", "{}").status()).isEqualTo(503);
                assertThat(api.get("/tasks?limit=1000").data().size()).isEqualTo(3);

                // the workers pause: once the running attempt has ended, the queued tasks wait for space (the
                // disk is filled again meanwhile: the checkpointer gives space back now and then, deleting covered
                // journal segments, and the parts that heal in it would rightly let the workers go on)
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    disk.fill();
                    return !api.status(running).equals("Running");
                });
                for (int i = 0; i < 10; i++) {
                    disk.fill();
                    Thread.sleep(200);
                }
                assertThat(api.status(acknowledged.get(1))).isEqualTo("Pending");
                assertThat(api.status(acknowledged.get(2))).isEqualTo("Pending");

                disk.free();
                awaitHealth(api, 200, "");
                awaitCompleted(api, acknowledged);
                JsonNode verified = api.get("/audit/verify").data();
                assertThat(verified.path("intact").asBoolean()).as(verified.toString()).isTrue();
                server.kill9();
            }

            try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                    "--workers", "2", "--audit-fail-open")) {
                last = server;
                Api api = server.api();
                fillAndSettle(disk);
                awaitHealth(api, 503, "audit log");
                // fail open: submissions go on (the journal holds space ahead), their audit entries become a gap
                List<String> whileFull = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    whileFull.add(api.createServers("", "ok-full-" + i));
                }
                acknowledged.addAll(whileFull);
                for (String id : whileFull) {
                    assertThat(api.status(id)).as("workers pause while the disk is full").isEqualTo("Pending");
                }
                // more audited requests than the audit log's reserve holds: the rest cannot be written
                // (the disk is filled again every 100 requests: the store's checkpointer gives space back
                // now and then, deleting covered journal segments and a next segment it could not finish,
                // and the audit entries would fit into that space instead of being refused)
                for (int i = 0; i < 1_500; i++) {
                    if (i % 100 == 0) {
                        disk.fill();
                    }
                    assertThat(api.post("/tasks/00000000-0000-0000-0000-000000000000/cancel", "{}").status())
                            .isEqualTo(404);
                }
                disk.free();
                awaitHealth(api, 200, "");
                JsonNode gap = api.get("/audit?action=audit.gap").data();
                assertThat(gap).as("the entries the full disk refused are one gap entry").isNotEmpty();
                assertThat(gap.get(0).path("detail").asText()).contains("could not be written between")
                        .contains("No space left on device");
                server.kill9(); // whatever was running or queued is acknowledged and must be there after the restart
            }

            try (ServerProcess server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(),
                    "--workers", "2")) {
                Api api = server.api();
                assertThat(api.get("/tasks?limit=1000").data().size()).isEqualTo(acknowledged.size());
                awaitCompleted(api, acknowledged);
                JsonNode verified = api.get("/audit/verify").data();
                assertThat(verified.path("intact").asBoolean()).as(verified.toString()).isTrue();
            }
        }
    }

    /**
     * Fills the disk, lets the server's next checkpoint drop the journal segments it had finished
     * with (which frees their space), and fills that too: from then on the disk stays full.
     */
    private static void fillAndSettle(SmallDisk disk) throws Exception {
        disk.fill();
        Thread.sleep(2_500);
        disk.fill();
    }

    /** Waits until {@code GET /health} answers {@code status} with an error naming {@code part} (200: no error). */
    private static Api.Reply awaitHealth(Api api, int status, String part) {
        Api.Reply[] last = new Api.Reply[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            last[0] = api.get("/health");
            return last[0].status() == status && (status == 200 || last[0].error().contains(part));
        });
        return last[0];
    }

    private static void awaitCompleted(Api api, List<String> ids) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            for (String id : ids) {
                if (!api.status(id).equals("Completed")) {
                    return false;
                }
            }
            return true;
        });
    }
}
