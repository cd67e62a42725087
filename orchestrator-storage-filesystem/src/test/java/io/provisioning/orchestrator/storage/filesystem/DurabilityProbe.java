package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.Task;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Run in a child JVM by {@link KillNineDurabilityTest}: writes tasks as fast as it can from
 * several threads and prints "ACK <id> <status>" after each write returns. The parent kills it
 * with SIGKILL at a random moment and checks every acknowledged write survived.
 */
public final class DurabilityProbe {
    public static void main(String[] args) throws Exception {
        FilesystemTaskStorage storage = new FilesystemTaskStorage(Path.of(args[0]), java.time.Duration.ofMillis(20));
        System.out.println("READY");
        System.out.flush();
        for (int t = 0; t < 8; t++) {
            Thread.ofPlatform().start(() -> {
                while (true) {
                    Task task = Task.builder().id(UUID.randomUUID().toString()).command("nu").args(List.of("x"))
                            .pending(Instant.now());
                    storage.saveAndEnqueue(task);
                    ack(task.id(), "Pending");
                    Task running = task.start(Instant.now());
                    storage.saveAndDequeue(running);
                    ack(task.id(), "Running");
                    storage.save(running.complete(Instant.now(), 0, "ok"));
                    ack(task.id(), "Completed");
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static synchronized void ack(String id, String status) {
        System.out.println("ACK " + id + " " + status);
        System.out.flush();
    }
}
