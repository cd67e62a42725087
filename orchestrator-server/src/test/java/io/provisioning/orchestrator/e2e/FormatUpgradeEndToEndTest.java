package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.format.DataFormats;
import io.provisioning.orchestrator.format.FormatManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on the committed data dir of today's formats: it refuses a newer one unchanged,
 * and a SIGKILL in the middle of an upgrade leaves a dir that the next start upgrades whole.
 */
class FormatUpgradeEndToEndTest {
    @TempDir
    Path tmp;

    private Path workspace() {
        return Components.repoRoot().resolve("workspace");
    }

    private Path provisioning() {
        return Components.repoRoot().resolve("provisioning/main.nu");
    }

    @Test
    void a_newer_data_dir_is_refused_with_a_sentence_and_left_byte_for_byte() throws Exception {
        Path data = FormatFixtures.copyDataDir(tmp.resolve("data"));
        Files.writeString(data.resolve(FormatManifest.FILE), """
                {"manifest_version": 1, "written_by": "9.9.9", "formats": {"filesystem-store": 3, "audit-log": 1}}
                """);
        Map<String, String> before = FormatFixtures.tree(data);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorchestrator.home=" + Components.repoRoot(), "io.provisioning.orchestrator.server.OrchestratorMain",
                "--port", Integer.toString(ServerProcess.freePort()), "--data-dir", data.toString(),
                "--workspace", workspace().toString(), "--provisioning-path", provisioning().toString(),
                "--nu-path", Components.nu()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("refused.log").toFile()).start();
        boolean exited = server.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            server.destroyForcibly(); // a server that started on a newer dir: the very failure this test is for
            server.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(tmp.resolve("refused.log"), StandardCharsets.UTF_8);
        assertThat(exited).as("the server must refuse at once, not start:\n" + output).isTrue();
        assertThat(server.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("orchestrator: the data dir " + data + " holds filesystem-store format version 3 "
                + "(written by orchestrator 9.9.9), and this orchestrator (")
                .contains("supports up to version 2: start orchestrator 9.9.9 or a newer one on it, or restore the backup "
                        + "taken before it upgraded the data dir; nothing was changed");
        assertThat(FormatFixtures.tree(data)).isEqualTo(before);
    }

    @Test
    void a_sigkill_in_the_middle_of_an_upgrade_is_finished_by_the_next_start_and_loses_nothing() throws Exception {
        Path data = FormatFixtures.copyDataDir(tmp.resolve("data"));
        Map<String, String> original = FormatFixtures.tree(data);
        int logDirs;
        try (Stream<Path> dirs = Files.list(data.resolve("logs"))) {
            logDirs = (int) dirs.filter(Files::isDirectory).count();
        }
        Path trail = data.resolve(UpgradingOrchestratorMain.TRAIL);
        Path marker = data.resolve("upgrade-in-progress.json");

        // first start: slow steps; killed once two log folders are done
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder slow = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorchestrator.home=" + Components.repoRoot(), UpgradingOrchestratorMain.class.getName(),
                "--port", Integer.toString(ServerProcess.freePort()), "--data-dir", data.toString(),
                "--workspace", workspace().toString(), "--provisioning-path", provisioning().toString(),
                "--nu-path", Components.nu()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("first-start.log").toFile());
        slow.environment().put("UPGRADE_STEP_DELAY_MS", "1000");
        Process first = slow.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines(trail) < 2) {
                assertThat(first.isAlive()).as(Files.readString(tmp.resolve("first-start.log"))).isTrue();
                assertThat(System.nanoTime()).as("the upgrade step did not start").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            first.destroyForcibly(); // SIGKILL
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(lines(trail)).as("killed half way").isLessThan(logDirs);
        assertThat(marker).as("an upgrade under way is marked").exists();
        assertThat(data.resolve(FormatManifest.FILE)).as("the manifest is written last").doesNotExist();
        Path backup = onlyBackup(data);
        assertThat(FormatFixtures.tree(backup)).as("the copy kept is the data dir as it was").isEqualTo(original);

        // second start: the same build resumes from the copy and finishes
        try (ServerProcess server = ServerProcess.startMain(UpgradingOrchestratorMain.class.getName(),
                Map.of("UPGRADE_STEP_DELAY_MS", "0"), data, workspace(), provisioning())) {
            assertThat(marker).doesNotExist();
            assertThat(lines(trail)).as("the step ran once, whole, on the restored copy").isEqualTo(logDirs);
            assertThat(FormatManifest.read(data).orElseThrow().versionOf(DataFormats.TASK_EVENT_LOGS)).isEqualTo(2);
            Api api = server.api();
            JsonNode formats = api.get("/version").data().path("data_formats");
            assertThat(formats.path(DataFormats.TASK_EVENT_LOGS).asInt()).isEqualTo(2);
            assertThat(formats.path(DataFormats.FILESYSTEM_STORE).asInt()).isEqualTo(2);
            assertThat(formats.path(DataFormats.AUDIT_LOG).asInt()).isEqualTo(1);
            for (String id : FormatFixtures.COMPLETED) {
                Api.Reply task = api.get("/tasks/" + id);
                assertThat(task.status()).as(id).isEqualTo(200);
                assertThat(task.data().path("status").asText()).isEqualTo("Completed");
                Api.Reply logs = api.get("/tasks/" + id + "/logs");
                assertThat(logs.status()).as(String.valueOf(logs.body())).isEqualTo(200);
            }
            for (String id : FormatFixtures.JOURNAL_ONLY) {
                assertThat(api.get("/tasks/" + id).status()).as("journal-only task " + id).isEqualTo(200);
            }
            Api.Reply verify = api.get("/audit/verify");
            assertThat(verify.status()).as(String.valueOf(verify.body())).isEqualTo(200);
            assertThat(verify.data().path("intact").asBoolean()).as(String.valueOf(verify.body())).isTrue();
            assertThat(verify.data().path("entries").asLong()).isGreaterThanOrEqualTo(FormatFixtures.AUDIT_ENTRIES);
        }
        assertThat(FormatFixtures.tree(onlyBackup(data))).isEqualTo(original);

        // and the build without version 2 refuses the upgraded dir, unchanged
        Map<String, String> upgraded = FormatFixtures.tree(data);
        JavaCommand.Result older = JavaCommand.run(tmp, io.provisioning.orchestrator.server.OrchestratorMain.class,
                "--port", "0", "--data-dir", data.toString(), "--workspace", workspace().toString(),
                "--provisioning-path", provisioning().toString(), "--nu-path", Components.nu());
        assertThat(older.exit()).isEqualTo(2);
        assertThat(older.stderr()).contains("holds task-event-logs format version 2").contains("nothing was changed");
        assertThat(FormatFixtures.tree(data)).isEqualTo(upgraded);
    }

    private static long lines(Path file) throws java.io.IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return Files.readAllLines(file).size();
    }

    private static Path onlyBackup(Path data) throws java.io.IOException {
        List<Path> backups = new ArrayList<>();
        try (Stream<Path> entries = Files.list(data)) {
            entries.filter(p -> p.getFileName().toString().startsWith("backup-before-upgrade-")).forEach(backups::add);
        }
        assertThat(backups).hasSize(1);
        return backups.get(0);
    }
}
