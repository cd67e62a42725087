package io.provisioning.orchestrator.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The live heap by class ({@code GC.class_histogram}, the same as {@code jcmd <pid>
 * GC.class_histogram}, which runs a full GC first), grouped into the structures that hold tasks:
 * a class is counted in the first group whose prefix its name starts with. Shared JDK classes
 * (map nodes, strings, arrays) cannot be told apart by class and stay in groups of their own.
 */
final class HeapHistogram {
    record Row(String className, long instances, long bytes) {}

    /** Group label, class-name prefixes. */
    private static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("whole tasks (Task, its attempts and progress)", List.of("io.provisioning.orchestrator.task."));
        GROUPS.put("filesystem index entries in memory", List.of(
                "io.provisioning.orchestrator.storage.filesystem.IndexEntry",
                "io.provisioning.orchestrator.storage.filesystem.EntryKey",
                "io.provisioning.orchestrator.storage.filesystem.TaskIndex"));
        GROUPS.put("filesystem store, other", List.of("io.provisioning.orchestrator.storage.filesystem."));
        GROUPS.put("idempotency records", List.of("io.provisioning.orchestrator.storage.IdempotencyRecord"));
        GROUPS.put("queue (entries, dependency and concurrency gates)", List.of(
                "io.provisioning.orchestrator.queue.", "io.provisioning.orchestrator.engine.DependencyGate",
                "io.provisioning.orchestrator.engine.ConcurrencyGate", "io.provisioning.orchestrator.engine.QueueEntries"));
        GROUPS.put("status changes (last state per task)", List.of("io.provisioning.orchestrator.events.StatusChanges"));
        GROUPS.put("event store and replay buffer", List.of("io.provisioning.orchestrator.events."));
        GROUPS.put("engine, other", List.of("io.provisioning.orchestrator.engine."));
        GROUPS.put("metrics (micrometer)", List.of("io.micrometer.", "io.provisioning.orchestrator.metrics."));
        GROUPS.put("orchestrator, other", List.of("io.provisioning."));
        GROUPS.put("hash map nodes (any map)", List.of("java.util.concurrent.ConcurrentHashMap", "java.util.HashMap",
                "java.util.LinkedHashMap"));
        GROUPS.put("skip list nodes (any sorted map)", List.of("java.util.concurrent.ConcurrentSkipList"));
        GROUPS.put("strings", List.of("java.lang.String", "[B"));
    }

    private HeapHistogram() {}

    static List<Row> take() throws Exception {
        Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        List<Row> rows = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 4 || !parts[0].endsWith(":")) {
                continue;
            }
            try {
                rows.add(new Row(parts[3], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
            } catch (NumberFormatException e) {
                // a header or the total line
            }
        }
        return rows;
    }

    /** Bytes per group, and per task of {@code tasks}; then the top classes. */
    static void print(List<Row> rows, long tasks, String per) {
        print(rows, List.of(), tasks, per);
    }

    /** As {@link #print(List, long, String)}, less what {@code baseline} held (a histogram taken before). */
    static void print(List<Row> rows, List<Row> baseline, long tasks, String per) {
        Map<String, long[]> groups = new LinkedHashMap<>();
        GROUPS.keySet().forEach(g -> groups.put(g, new long[2]));
        groups.put("everything else", new long[2]);
        long total = 0;
        List<Row> all = new ArrayList<>(rows);
        baseline.forEach(r -> all.add(new Row(r.className(), -r.instances(), -r.bytes())));
        for (Row row : all) {
            total += row.bytes();
            String group = "everything else";
            for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
                if (g.getValue().stream().anyMatch(row.className()::startsWith)) {
                    group = g.getKey();
                    break;
                }
            }
            long[] sum = groups.get(group);
            sum[0] += row.instances();
            sum[1] += row.bytes();
        }
        Table table = new Table("structure (live heap by class)", "instances", "MiB", "bytes per " + per);
        for (Map.Entry<String, long[]> g : groups.entrySet()) {
            table.row(g.getKey(), String.format("%,d", g.getValue()[0]), mib(g.getValue()[1]),
                    String.format("%,.1f", g.getValue()[1] / (double) Math.max(1, tasks)));
        }
        table.row("total", "", mib(total), String.format("%,.1f", total / (double) Math.max(1, tasks)));
        table.print(System.out);
        System.out.println();
        Table top = new Table("top classes", "instances", "MiB");
        Map<String, Row> byClass = new LinkedHashMap<>();
        for (Row row : all) {
            byClass.merge(row.className(), row, (a, b) -> new Row(a.className(), a.instances() + b.instances(),
                    a.bytes() + b.bytes()));
        }
        byClass.values().stream().sorted(Comparator.comparingLong(Row::bytes).reversed()).limit(12)
                .forEach(r -> top.row(r.className(), String.format("%,d", r.instances()), mib(r.bytes())));
        top.print(System.out);
    }

    private static String mib(long bytes) {
        return String.format("%,.1f", bytes / 1048576.0);
    }
}
