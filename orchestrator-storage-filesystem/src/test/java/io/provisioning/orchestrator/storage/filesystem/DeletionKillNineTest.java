package io.provisioning.orchestrator.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deletions under SIGKILL: an acknowledged deletion stays done, and nothing that was kept is lost. */
class DeletionKillNineTest {
    @TempDir Path dataDir;

    @Test
    void a_sigkill_in_the_middle_of_deletions_loses_no_kept_task_and_brings_back_no_deleted_one() throws Exception {
        killAndCheck(null);
    }

    /** The index compacts every few dozen changes, so kills land in compactions too; listings and counts must agree. */
    @Test
    void a_sigkill_in_the_middle_of_index_compactions_keeps_listings_and_counts_true() throws Exception {
        killAndCheck("40");
    }

    private void killAndCheck(String compactAt) throws Exception {
        Set<String> kept = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            runProbeAndKill(200 + round * 150L, kept, deleted, compactAt);
            assertThat(deleted).isNotEmpty();
            try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(dataDir)) {
                for (String id : kept) {
                    assertThat(reopened.find(id)).as("kept task %s", id).isPresent();
                }
                for (String id : deleted) {
                    assertThat(reopened.find(id)).as("deleted task %s", id).isEmpty();
                    assertThat(dataDir.resolve("queue.rkvs/tasks/" + id + ".json")).doesNotExist();
                }
                // what the index lists and counts is exactly what is stored
                Set<String> listed = new HashSet<>();
                for (var page = reopened.scan(0, 1000); !page.isEmpty();
                        page = reopened.scan(page.get(page.size() - 1).sequence(), 1000)) {
                    page.forEach(t -> listed.add(t.id()));
                }
                assertThat(listed).containsAll(kept).doesNotContainAnyElementsOf(deleted);
                assertThat(reopened.count()).isEqualTo(listed.size());
                assertThat(reopened.list(new io.provisioning.orchestrator.storage.TaskQuery(
                        io.provisioning.orchestrator.task.TaskStatus.Completed, 1, 0)).total()).isEqualTo(listed.size());
                for (String id : listed) {
                    assertThat(reopened.find(id)).as("listed task %s", id).isPresent();
                }
            }
        }
    }

    private void runProbeAndKill(long runMillis, Set<String> kept, Set<String> deleted, String compactAt) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp",
                System.getProperty("java.class.path"), DeletionProbe.class.getName(), dataDir.toString()));
        if (compactAt != null) {
            command.add(compactAt);
        }
        Process probe = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<String> seenDeleted = new HashSet<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (seenDeleted) {
                        if (line.startsWith("KEEP ")) {
                            kept.add(line.substring(5));
                        } else if (line.startsWith("DELETED ")) {
                            deleted.add(line.substring(8));
                            seenDeleted.add(line);
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // the probe was killed
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (seenDeleted) {
                if (seenDeleted.size() > 50) {
                    break;
                }
            }
            Thread.sleep(10);
        }
        Thread.sleep(runMillis);
        probe.destroyForcibly(); // SIGKILL, deletions and checkpoints under way
        probe.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
        assertThat(Files.isDirectory(dataDir.resolve("queue.rkvs"))).isTrue();
    }
}
