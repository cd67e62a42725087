package io.provisioning.orchestrator.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Watches /proc for the process trees of one task's attempts: every live process whose environment
 * says PROVISIONING_TASK_ID=<task> (the script, its children, its watchdog) belongs to the attempt
 * in its PROVISIONING_ATTEMPT. Polls on a thread of its own and remembers the first moment two
 * attempts had live processes at once.
 */
final class AttemptTrees implements AutoCloseable {
    private final String taskId;
    private final Thread poller;
    private final AtomicReference<Set<Integer>> overlap = new AtomicReference<>();
    private volatile Set<Integer> lastSeen = Set.of();

    private AttemptTrees(String taskId) {
        this.taskId = taskId;
        this.poller = Thread.ofPlatform().daemon().name("attempt-trees").start(this::poll);
    }

    static AttemptTrees watch(String taskId) {
        return new AttemptTrees(taskId);
    }

    /** The attempts with a live process at the last look. */
    Set<Integer> alive() {
        return lastSeen;
    }

    /** The attempts seen alive together, or null if never more than one at once. */
    Set<Integer> overlap() {
        return overlap.get();
    }

    /** The attempts of the task with a live process now. */
    static Set<Integer> aliveNow(String taskId) {
        Set<Integer> attempts = new TreeSet<>();
        String marker = "PROVISIONING_TASK_ID=" + taskId;
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path dir : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String environ;
                String stat;
                try {
                    environ = new String(Files.readAllBytes(dir.resolve("environ")), StandardCharsets.UTF_8);
                    stat = Files.readString(dir.resolve("stat"));
                } catch (IOException | RuntimeException gone) {
                    continue;
                }
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state == 'Z' || state == 'X') {
                    continue;
                }
                boolean ours = false;
                Integer attempt = null;
                for (String variable : environ.split("\0")) {
                    if (variable.equals(marker)) {
                        ours = true;
                    } else if (variable.startsWith("PROVISIONING_ATTEMPT=")) {
                        attempt = Integer.parseInt(variable.substring("PROVISIONING_ATTEMPT=".length()));
                    }
                }
                if (ours && attempt != null) {
                    attempts.add(attempt);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return attempts;
    }

    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            Set<Integer> now = aliveNow(taskId);
            lastSeen = now;
            if (now.size() > 1) {
                overlap.compareAndSet(null, now);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        poller.interrupt();
        poller.join(5_000);
    }
}
