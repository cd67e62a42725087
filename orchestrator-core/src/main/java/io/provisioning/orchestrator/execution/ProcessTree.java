package io.provisioning.orchestrator.execution;

import io.provisioning.orchestrator.task.AttemptProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An attempt's process tree: the session its watchdog made, one process group. Found through
 * {@code /proc}, never by pid alone: a member belongs to the tree only if it is in the recorded
 * group and session and started no earlier than the recorded leader; while the leader lives, its
 * start time must be the recorded one (a pid is not reused while its group has members, so a
 * leader with another start time means the tree is gone and the pid now names something else).
 */
public final class ProcessTree {
    private static final Path PROC = Path.of("/proc");
    private static final String HOST = readHost();

    private ProcessTree() {}

    /** Where a recorded pid means the same process: this machine's boot and this pid namespace. */
    public static String host() {
        return HOST;
    }

    /** True if the tree was started on this host (this boot, this pid namespace), so /proc can see it. */
    public static boolean isLocal(AttemptProcess tree) {
        return HOST.equals(tree.host());
    }

    /** The live members of the tree (zombies are already dead), leader included. */
    public static List<Long> members(AttemptProcess tree) {
        Optional<ProcStat> leader = ProcStat.of(tree.pid());
        if (leader.isPresent() && leader.get().startTicks() != tree.startTicks()) {
            return List.of();
        }
        List<Long> members = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.map(p -> p.getFileName().toString()).filter(ProcessTree::isPid).map(Long::parseLong)
                    .map(ProcStat::of).flatMap(Optional::stream)
                    .filter(s -> s.pgid() == tree.pgid() && s.sid() == tree.pgid() && s.startTicks() >= tree.startTicks())
                    .filter(s -> !s.isZombie())
                    .forEach(s -> members.add(s.pid()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e.getMessage(), e);
        }
        return members;
    }

    public static boolean isGone(AttemptProcess tree) {
        return members(tree).isEmpty();
    }

    /**
     * Ends the tree: TERM to every member, KILL to what is left after {@code grace}, then waits up to
     * {@code proof} for /proc to show none. True once it is gone; false if something outlived it
     * (a process stuck in the kernel, say), in which case no other attempt may start.
     */
    public static boolean end(AttemptProcess tree, Duration grace, Duration proof) throws InterruptedException {
        signal(members(tree), false);
        if (awaitGone(tree, grace)) {
            return true;
        }
        signal(members(tree), true);
        return awaitGone(tree, proof);
    }

    /** Waits up to {@code timeout} for the tree to be gone; true if it is. */
    public static boolean awaitGone(AttemptProcess tree, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isGone(tree)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static void signal(List<Long> pids, boolean kill) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (kill) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            });
        }
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static String readHost() {
        String boot;
        String namespace;
        try {
            boot = Files.readString(PROC.resolve("sys/kernel/random/boot_id")).strip();
        } catch (IOException | RuntimeException e) {
            boot = "unknown-boot";
        }
        try {
            namespace = Files.readSymbolicLink(PROC.resolve("self/ns/pid")).toString();
        } catch (IOException | RuntimeException e) {
            namespace = "unknown-pid-namespace";
        }
        return boot + "/" + namespace;
    }
}
