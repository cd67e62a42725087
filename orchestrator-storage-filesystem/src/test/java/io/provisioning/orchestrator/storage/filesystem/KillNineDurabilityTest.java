package io.provisioning.orchestrator.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every write the storage acknowledged survives SIGKILL of the process, at any instant. */
class KillNineDurabilityTest {
    @TempDir Path dataDir;

    @Test
    void every_acknowledged_write_survives_kill_minus_nine() throws Exception {
        for (int round = 0; round < 3; round++) {
            Map<String, TaskStatus> acked = runProbeAndKill(150 + round * 170L);
            assertThat(acked).isNotEmpty();
            try (FilesystemTaskStorage reopened = new FilesystemTaskStorage(dataDir)) {
                for (var entry : acked.entrySet()) {
                    Task task = reopened.find(entry.getKey()).orElse(null);
                    assertThat(task).as("acknowledged task %s", entry.getKey()).isNotNull();
                    assertThat(progressOf(task.status())).isGreaterThanOrEqualTo(progressOf(entry.getValue()));
                }
                // queue entries follow the task state: only Pending tasks are queued
                for (String id : reopened.queuedTaskIds()) {
                    assertThat(reopened.find(id)).get().extracting(Task::status)
                            .isIn(EnumSet.of(TaskStatus.Pending, TaskStatus.Running));
                }
            }
        }
    }

    private static int progressOf(TaskStatus status) {
        return List.of(TaskStatus.Pending, TaskStatus.Running, TaskStatus.Completed).indexOf(status);
    }

    private Map<String, TaskStatus> runProbeAndKill(long runMillis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process probe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DurabilityProbe.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, TaskStatus> acked = new HashMap<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        String[] parts = line.split(" ");
                        synchronized (acked) {
                            acked.put(parts[1], TaskStatus.valueOf(parts[2]));
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // the probe was killed
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (acked) {
                if (acked.size() > 50) {
                    break;
                }
            }
            Thread.sleep(10);
        }
        Thread.sleep(runMillis);
        probe.destroyForcibly(); // SIGKILL
        probe.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
        synchronized (acked) {
            return new HashMap<>(acked);
        }
    }
}
