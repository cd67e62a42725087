package io.provisioning.orchestrator.workflow;

import java.util.List;

/** {@code POST /workflows/batch}, parsed: workflows named by their {@code ref}, each after the refs it names. */
public record BatchRequest(List<Item> items) {
    public BatchRequest {
        items = List.copyOf(items);
    }

    public record Item(String ref, WorkflowRequest request, List<String> after) {
        public Item {
            after = List.copyOf(after);
        }
    }
}
