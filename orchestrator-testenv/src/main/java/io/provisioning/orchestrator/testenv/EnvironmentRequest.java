package io.provisioning.orchestrator.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.testenv.catalog.Resources;
import io.provisioning.orchestrator.testenv.catalog.Topology;
import java.util.List;
import java.util.Map;

/**
 * A checked create request. Per type, the fields of SPEC §6: single_taskserv uses
 * {@code taskservs} (one) and {@code nodeName}; server_simulation {@code nodeName} (its
 * server_name) and {@code taskservs}; cluster_topology {@code topology} (inline or the
 * {@code template}'s) and {@code clusterType}.
 */
public record EnvironmentRequest(EnvironmentType type, String infra, boolean autoStart, boolean autoCleanup,
        JsonNode config, String nodeName, List<String> taskservs, String baseImage, Map<String, String> environment,
        Resources resources, String profile, String clusterType, String template, Topology topology) {}
