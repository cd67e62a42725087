package io.provisioning.orchestrator.workflow;

import java.util.Arrays;
import java.util.List;

/** The three workflows of the compat API, and the operations each accepts. */
public enum WorkflowKind {
    SERVERS("servers", List.of("create", "delete")),
    TASKSERV("taskserv", List.of("create", "delete")),
    CLUSTER("cluster", List.of("create"));

    private final String word;
    private final List<String> operations;
    private static final List<String> NAMES = Arrays.stream(values())
            .flatMap(k -> k.operations.stream().map(op -> k.word + "." + op)).toList();

    WorkflowKind(String word, List<String> operations) {
        this.word = word;
        this.operations = operations;
    }

    /** The first word of the script command line, e.g. {@code servers}. */
    public String word() {
        return word;
    }

    public List<String> operations() {
        return operations;
    }

    /** Every workflow a task records, {@code <kind>.<operation>}: servers.create, servers.delete, … */
    public static List<String> names() {
        return NAMES;
    }
}
