package io.provisioning.orchestrator.testenv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.json.Json;
import io.provisioning.orchestrator.testenv.catalog.CatalogFiles;
import io.provisioning.orchestrator.testenv.catalog.TaskservCatalog;
import io.provisioning.orchestrator.testenv.catalog.TaskservUnavailableException;
import io.provisioning.orchestrator.testenv.catalog.TopologyTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentRequestParserTest {
    private static final TaskservCatalog CATALOG = CatalogFiles.readCatalog(RepoFiles.catalog());
    private static final TopologyTemplates TEMPLATES = CatalogFiles.readTemplates(RepoFiles.topologies(), CATALOG);
    private final EnvironmentRequestParser parser = new EnvironmentRequestParser(CATALOG, TEMPLATES);
    private final EnvironmentPlanner planner = new EnvironmentPlanner(CATALOG);

    private EnvironmentRequest parse(String json) throws Exception {
        return parser.parse(Json.mapper().readTree(json));
    }

    @Test
    void a_single_taskserv_gets_the_taskservs_image_its_start_command_and_the_catalogs_limits() throws Exception {
        EnvironmentRequest request = parse("""
                {"config": {"type": "single_taskserv", "taskserv": "redis"}, "infra": "dev", "auto_start": true}""");
        EnvironmentPlan plan = planner.plan(request, null);
        EnvironmentPlan.Node node = plan.nodes().getFirst();
        assertThat(node.name()).isEqualTo("redis");
        assertThat(node.image()).isEqualTo("provisioning/taskserv-redis:12");
        assertThat(node.viaExec()).isFalse();
        assertThat(node.resources().cpuMillicores()).isEqualTo(500);
        assertThat(node.resources().memoryMb()).isEqualTo(256);
        assertThat(request.autoStart()).isTrue();
    }

    @Test
    void requested_resources_win_over_the_catalogs() throws Exception {
        EnvironmentPlan plan = planner.plan(parse("""
                {"config": {"type": "single_taskserv", "taskserv": "postgres",
                            "resources": {"memory_mb": 1024}}}"""), null);
        assertThat(plan.nodes().getFirst().resources().memoryMb()).isEqualTo(1024);
        assertThat(plan.nodes().getFirst().resources().cpuMillicores()).isEqualTo(1000);
    }

    @Test
    void a_server_simulation_installs_every_taskserv_by_exec_in_order_on_one_node() throws Exception {
        EnvironmentPlan plan = planner.plan(parse("""
                {"config": {"type": "server_simulation", "server_name": "web-01", "taskservs": ["etcd", "redis"]}}"""),
                null);
        assertThat(plan.nodes()).hasSize(1);
        EnvironmentPlan.Node node = plan.nodes().getFirst();
        assertThat(node.viaExec()).isTrue();
        assertThat(node.image()).isEqualTo("provisioning/taskserv-etcd:12");
        assertThat(node.command()).containsExactly("/usr/local/bin/taskserv-idle");
        assertThat(node.taskservNames()).containsExactly("etcd", "redis");
        assertThat(node.env()).containsEntry("ETCDCTL_API", "3");
    }

    @Test
    void a_cluster_topology_from_a_template_keeps_its_nodes_and_checks_and_fills_cluster_members() throws Exception {
        EnvironmentRequest request = parse("""
                {"config": {"type": "cluster_topology", "template": "etcd_cluster"}}""");
        assertThat(request.clusterType()).isEqualTo("etcd");
        EnvironmentPlan plan = planner.plan(request, "172.30.20.0/24");
        assertThat(plan.nodes()).extracting(EnvironmentPlan.Node::name).containsExactly("etcd1", "etcd2", "etcd3");
        var etcd = CATALOG.require("etcd");
        var placeholders = Placeholders.forNode(plan, plan.nodes().get(1), etcd, "env-1");
        assertThat(placeholders.apply(plan.nodes().get(1).command()))
                .contains("etcd2", "etcd1=http://etcd1:2380,etcd2=http://etcd2:2380,etcd3=http://etcd3:2380", "env-1-etcd");
        assertThat(plan.topologyChecks()).extracting(c -> c.name()).contains("write_with_one_member_stopped");
    }

    @Test
    void an_inline_topology_is_accepted_in_the_shape_the_templates_route_returns() throws Exception {
        EnvironmentRequest request = parse("""
                {"config": {"type": "cluster_topology", "cluster_type": "cache",
                  "topology": {"name": "mine", "description": null,
                    "network": {"subnet": "10.77.0.0/28"},
                    "nodes": [{"name": "c1", "role": "cache", "taskservs": ["redis"], "resources": null, "profile": null},
                              {"name": "c2", "role": "cache", "taskservs": ["redis"]}],
                    "checks": [{"name": "c1_sees_c2", "node": "c1", "argv": ["redis-cli", "-h", "c2", "ping"],
                                "expect": {"stdout_contains": "PONG"}}]}}}""");
        assertThat(request.topology().subnet()).isEqualTo("10.77.0.0/28");
        assertThat(request.topology().checks().getFirst().argv()).containsExactly("redis-cli", "-h", "c2", "ping");
    }

    @Test
    void kubernetes_is_refused_at_creation_with_the_catalogs_reason_in_every_type() {
        assertThatThrownBy(() -> parse("""
                {"config": {"type": "single_taskserv", "taskserv": "kubernetes"}}"""))
                .isInstanceOf(TaskservUnavailableException.class).hasMessageContaining("kubeadm");
        assertThatThrownBy(() -> parse("""
                {"config": {"type": "server_simulation", "server_name": "web-01",
                            "taskservs": ["containerd", "kubernetes", "cilium"]}}"""))
                .isInstanceOf(TaskservUnavailableException.class).hasMessageContaining("'kubernetes'");
        assertThatThrownBy(() -> parse("""
                {"config": {"type": "cluster_topology", "template": "kubernetes_3node"}}"""))
                .isInstanceOf(TaskservUnavailableException.class).hasMessageContaining("'kubernetes'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"config\": {\"type\": \"vm\"}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis; rm -rf /\"}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"mysql\"}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\", \"resources\": {\"memory_mb\": 1}}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\", \"resources\": {\"cpu_millicores\": 99999}}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\", \"resources\": {\"cpu_millicores\": \"2\"}}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\", \"base_image\": \"--privileged\"}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\", \"environment\": {\"A B\": \"x\"}}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\", \"privileged\": true}}",
            "{\"config\": {\"type\": \"server_simulation\", \"server_name\": \"web_01\", \"taskservs\": [\"redis\"]}}",
            "{\"config\": {\"type\": \"server_simulation\", \"server_name\": \"web-01\", \"taskservs\": []}}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\"}, \"infra\": \"../etc\"}",
            "{\"config\": {\"type\": \"single_taskserv\", \"taskserv\": \"redis\"}, \"auto_start\": \"yes\"}",
            "{\"config\": {\"type\": \"cluster_topology\", \"cluster_type\": \"x\", \"topology\": {\"nodes\": []}}}",
            "{\"config\": {\"type\": \"cluster_topology\", \"cluster_type\": \"x\", \"topology\": {\"nodes\": [{\"name\": \"a\", \"taskservs\": [\"redis\"]}], \"network\": {\"subnet\": \"8.8.8.0/24\"}}}}",
            "{\"config\": {\"type\": \"cluster_topology\", \"cluster_type\": \"x\", \"topology\": {\"nodes\": [{\"name\": \"a\", \"taskservs\": [\"redis\"]}], \"network\": {\"subnet\": \"10.0.0.0/16\"}}}}",
            "{\"config\": {\"type\": \"cluster_topology\", \"cluster_type\": \"x\", \"topology\": {\"nodes\": [{\"name\": \"a\", \"taskservs\": [\"redis\"]}], \"network\": {\"subnet\": \"10.0.0.0/30\"}}}}",
            "{\"config\": {\"type\": \"cluster_topology\", \"cluster_type\": \"x\", \"topology\": {\"nodes\": [{\"name\": \"a\", \"taskservs\": [\"redis\"]}, {\"name\": \"a\", \"taskservs\": [\"redis\"]}]}}}",
            "{\"config\": {\"type\": \"cluster_topology\", \"cluster_type\": \"x\", \"topology\": {\"nodes\": [{\"name\": \"a\", \"taskservs\": [\"redis\"]}], \"checks\": [{\"name\": \"c\", \"node\": \"b\", \"argv\": [\"true\"]}]}}}",
            "{\"config\": {\"type\": \"cluster_topology\", \"template\": \"no_such_template\"}}"})
    void invalid_requests_are_refused_with_one_sentence(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
    }
}
