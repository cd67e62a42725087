package io.provisioning.orchestrator.workflow;

import java.util.List;

/** The three workflows of the compat API, and the operations each accepts. */
public enum WorkflowKind {
    SERVERS("servers", List.of("create", "delete")),
    TASKSERV("taskserv", List.of("create", "delete")),
    CLUSTER("cluster", List.of("create"));

    private final String word;
    private final List<String> operations;

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
}
