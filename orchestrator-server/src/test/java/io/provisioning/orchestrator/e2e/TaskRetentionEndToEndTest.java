package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.provisioning.orchestrator.auth.Role;
import io.provisioning.orchestrator.auth.TestKeys;
import io.provisioning.orchestrator.storage.filesystem.FilesystemTaskStorage;
import io.provisioning.orchestrator.task.Task;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --task-retention-days} and {@code DELETE /tasks/{id}} on the real server with
 * authentication on: the finish times are set in the store before the server starts.
 */
class TaskRetentionEndToEndTest {
    private static final Instant NOW = Instant.now();
    private static final Instant MONTH_AGO = NOW.minus(Duration.ofDays(30));

    @TempDir Path dataDir;
    @TempDir Path workspace;
    @TempDir Path keys;

    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private static Task finished(Instant at, boolean completed, String... dependencies) {
        Task running = Task.builder().name("old").command("nu").args(List.of("main.nu")).dependencies(List.of(dependencies))
                .sequence(SEQUENCE.incrementAndGet()).pending(at.minusSeconds(60)).start(at.minusSeconds(30));
        return completed ? running.complete(at, 0, "done") : running.fail(at, 3, "", "exit code 3");
    }

    /** Pending, dependent on {@code dependency}, its next attempt a day away: unfinished all through the test. */
    private static Task waiting(String dependency) {
        return Task.builder().name("waiting").command("nu").args(List.of("main.nu")).dependencies(List.of(dependency))
                .sequence(SEQUENCE.incrementAndGet()).maxAttempts(3).pending(NOW).start(NOW).retryLater(NOW, NOW.plus(Duration.ofDays(1)), 4, "", "later");
    }

    private ServerProcess start(Path secret, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--auth-hs256-secret-file", secret.toString(), "--workers", "1"));
        args.addAll(List.of(extra));
        return ServerProcess.start(dataDir, workspace, Components.fixtureScript(), args.toArray(String[]::new));
    }

    private static Api.Reply delete(Api api, String id) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + "/tasks/" + id)).DELETE());
    }

    @Test
    void finished_tasks_older_than_the_retention_are_deleted_with_their_logs_and_stay_deleted_after_a_restart()
            throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path secret = TestKeys.secretFile(keys, "jwt.secret");
        Task oldCompleted = finished(MONTH_AGO, true);
        Task oldFailed = finished(MONTH_AGO, false);
        Task oldDependency = finished(MONTH_AGO, true);
        Task unfinished = waiting(oldDependency.id());
        Task recent = finished(NOW.minus(Duration.ofHours(1)), true); // newest: GET /tasks lists it first
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir)) {
            for (Task task : List.of(oldCompleted, oldFailed, oldDependency, recent)) {
                storage.save(task);
            }
            storage.saveAndEnqueue(unfinished);
        }
        Path oldLog = dataDir.resolve("logs").resolve(oldCompleted.id()).resolve("events.log");
        Files.createDirectories(oldLog.getParent());
        Files.writeString(oldLog, "{\"id\":1,\"ts\":\"" + MONTH_AGO + "\",\"type\":\"log\",\"data\":{\"line\":\"x\"}}\n");

        try (ServerProcess server = start(secret, "--task-retention-days", "7", "--task-retention-sweep-seconds", "1")) {
            Api admin = server.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/tasks/" + oldCompleted.id()).status() == 404);
            assertThat(admin.get("/tasks/" + oldFailed.id()).status()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(oldLog.getParent()));
            assertKept(admin, oldDependency, unfinished, recent);
            Api.Reply completed = admin.get("/tasks?status=Completed");
            assertThat(completed.data()).extracting(t -> t.path("id").asText())
                    .containsExactly(recent.id(), oldDependency.id());
            assertThat(completed.headers().get("x-total-count")).containsExactly("2");
        }
        try (ServerProcess again = start(secret, "--task-retention-days", "7")) {
            Api admin = again.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
            assertThat(admin.get("/tasks/" + oldCompleted.id()).status()).isEqualTo(404);
            assertThat(admin.get("/tasks/" + oldFailed.id()).status()).isEqualTo(404);
            assertKept(admin, oldDependency, unfinished, recent);
            assertThat(admin.get("/tasks").headers().get("x-total-count")).containsExactly("3");
        }
    }

    private static void assertKept(Api admin, Task... tasks) throws Exception {
        for (Task task : tasks) {
            assertThat(admin.get("/tasks/" + task.id()).status()).as("task %s (%s)", task.id(), task.status()).isEqualTo(200);
        }
    }

    @Test
    void only_an_admin_deletes_a_task_and_only_a_finished_one_that_no_unfinished_task_needs() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        Path secret = TestKeys.secretFile(keys, "jwt.secret");
        Task needed = finished(NOW.minusSeconds(10), true);
        Task unfinished = waiting(needed.id());
        Task done = finished(NOW.minusSeconds(5), false);
        try (FilesystemTaskStorage storage = new FilesystemTaskStorage(dataDir)) {
            storage.save(needed);
            storage.saveAndEnqueue(unfinished);
            storage.save(done);
        }
        try (ServerProcess server = start(secret)) {
            Api viewer = server.api().withToken(Tokens.hs256(secret, Role.VIEWER, "vic"));
            Api operator = server.api().withToken(Tokens.hs256(secret, Role.OPERATOR, "alice"));
            Api admin = server.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));

            Api.Reply byViewer = delete(viewer, done.id());
            assertThat(byViewer.status()).isEqualTo(403);
            assertThat(byViewer.error()).isEqualTo("DELETE /tasks/{id} needs the admin role; this token has viewer");
            assertThat(delete(operator, done.id()).status()).isEqualTo(403);
            assertThat(delete(server.api(), done.id()).status()).isEqualTo(401);

            Api.Reply pending = delete(admin, unfinished.id());
            assertThat(pending.status()).isEqualTo(409);
            assertThat(pending.error()).isEqualTo("task " + unfinished.id() + " is Pending; only a finished task "
                    + "(Completed, Failed or Cancelled) can be deleted, so cancel it first");
            Api.Reply dependency = delete(admin, needed.id());
            assertThat(dependency.status()).isEqualTo(409);
            assertThat(dependency.error()).isEqualTo("task " + needed.id() + " is a dependency of unfinished task "
                    + unfinished.id() + "; it can be deleted once that task has finished");
            assertThat(delete(admin, "00000000-0000-0000-0000-00000000dead").status()).isEqualTo(404);

            Api.Reply deleted = delete(admin, done.id());
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.data().asText()).isEqualTo("task " + done.id() + " deleted");
            assertThat(admin.get("/tasks/" + done.id()).status()).isEqualTo(404);
            assertThat(delete(admin, done.id()).status()).isEqualTo(404);
            assertThat(admin.get("/tasks/" + needed.id()).status()).isEqualTo(200);

            Api.Reply audit = admin.get("/audit?action=DELETE");
            assertThat(audit.data()).anySatisfy(entry -> {
                assertThat(entry.path("actor").asText()).isEqualTo("root");
                assertThat(entry.path("action").asText()).isEqualTo("DELETE /tasks/{id}");
                assertThat(entry.path("target").asText()).isEqualTo(done.id());
                assertThat(entry.path("outcome").asText()).isEqualTo("200");
            });
        }
        try (ServerProcess again = start(secret)) {
            Api admin = again.api().withToken(Tokens.hs256(secret, Role.ADMIN, "root"));
            assertThat(admin.get("/tasks/" + done.id()).status()).isEqualTo(404);
        }
    }
}
