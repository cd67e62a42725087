package io.provisioning.orchestrator.bench;

import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskBuilder;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a store that has served for a while holds: servers-create tasks planned as the API plans
 * them, in every state. Of each 20: 12 Completed (with their output), 2 Failed after three
 * attempts, 1 Cancelled, 4 Pending and queued (one waiting out a retry backoff, one depending on an
 * earlier task, one with an idempotency key) and 1 Running at 40%.
 */
final class MigrationTasks {
    private final BenchFixture fixture;
    private final Instant epoch = Instant.parse("2026-06-01T00:00:00Z");
    private String lastCompleted;

    MigrationTasks(BenchFixture fixture) {
        this.fixture = fixture;
    }

    /** Tasks {@code first} to {@code first + count - 1}; ids of the Pending ones go into {@code queued}. */
    List<Task> batch(long first, int count, Set<String> queued) {
        List<Task> tasks = new ArrayList<>(count);
        for (long n = first; n < first + count; n++) {
            Task task = make(n);
            tasks.add(task);
            if (task.status() == TaskStatus.Pending) {
                queued.add(task.id());
            }
            if (task.status() == TaskStatus.Completed) {
                lastCompleted = task.id();
            }
        }
        return tasks;
    }

    private Task make(long n) {
        Instant at = epoch.plusMillis(n * 250);
        TaskBuilder builder = fixture.task().sequence(n + 1);
        String server = "web-" + n;
        int kind = (int) (n % 20);
        if (kind == 16 && lastCompleted != null) {
            builder.dependencies(List.of(lastCompleted));
        }
        if (kind == 17) {
            builder.idempotencyKey("deploy-" + n).requestHash("sha256:" + Long.toHexString(n * 0x9E3779B97F4A7C15L));
        }
        Task pending = builder.pending(at);
        Task running = pending.start(at.plusSeconds(1)).withProgress(at.plusSeconds(5), new Progress(40, "installing packages"));
        return switch (kind) {
            case 12, 13 -> failedThreeTimes(running, at, server);
            case 14 -> pending.cancel(at.plusSeconds(2), "cancelled by request");
            case 15 -> running.retryLater(at.plusSeconds(30), at.plusSeconds(90), 255, output(server, 3),
                    "ssh: connect to host " + server + " port 22: Connection timed out");
            case 16, 17, 18 -> pending;
            case 19 -> running;
            default -> running.complete(at.plusSeconds(42), 0, output(server, 6));
        };
    }

    private static Task failedThreeTimes(Task running, Instant at, String server) {
        String error = "ssh: connect to host " + server + " port 22: Connection refused";
        Task task = running;
        for (int attempt = 1; attempt < 3; attempt++) {
            Instant end = at.plus(Duration.ofMinutes(attempt));
            task = task.retryLater(end, end.plusSeconds(10), 255, output(server, 2), error)
                    .start(end.plusSeconds(10));
        }
        return task.fail(at.plus(Duration.ofMinutes(3)), 255, output(server, 2), error);
    }

    /** A few lines such as the provisioning library prints. */
    private static String output(String server, int lines) {
        StringBuilder out = new StringBuilder();
        String[] steps = {"resolving infra production", "creating server " + server + " (2 vCPU, 4 GiB)",
                "waiting for " + server + " to boot", "installing taskserv containerd", "installing taskserv kubernetes",
                "server " + server + " ready at 10.0.0.17"};
        for (int i = 0; i < lines; i++) {
            out.append(steps[i % steps.length]).append('\n');
        }
        return out.toString();
    }
}
