package io.provisioning.orchestrator.workflow;

import java.util.List;

/** What a cluster is made of, as the provisioning library's settings say: its servers, then its taskservs in order. */
public record ClusterPlan(List<String> servers, List<String> taskservs) {}
