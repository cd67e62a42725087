package io.provisioning.orchestrator.storage.filesystem;

import io.provisioning.orchestrator.task.Task;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in a child JVM by {@link DeletionKillNineTest}: from several threads, stores a finished task
 * to keep ("KEEP <id>" once acknowledged) and one to delete, then deletes that one ("DELETED <id>"
 * once acknowledged), as a retention sweep does, with checkpoints every 20 ms. The parent kills it
 * with SIGKILL at a random moment. A second argument makes the index compact after that many changed
 * entries, so compactions are under way too.
 */
public final class DeletionProbe {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int compactAt = args.length > 1 ? Integer.parseInt(args[1]) : TaskIndex.COMPACT_AT;
        FilesystemTaskStorage storage = new FilesystemTaskStorage(Path.of(args[0]), java.time.Duration.ofMillis(20), "sync",
                compactAt);
        for (int t = 0; t < 4; t++) {
            Thread.ofPlatform().start(() -> {
                while (true) {
                    Task kept = finished();
                    storage.save(kept);
                    say("KEEP " + kept.id());
                    Task doomed = finished();
                    storage.save(doomed);
                    storage.delete(doomed.id());
                    say("DELETED " + doomed.id());
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Task finished() {
        Instant now = Instant.now();
        return Task.builder().id(UUID.randomUUID().toString()).sequence(SEQUENCE.incrementAndGet()).command("nu")
                .args(List.of("x")).pending(now).start(now).complete(now, 0, "ok");
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
