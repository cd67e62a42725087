package io.provisioning.orchestrator.testenv.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.testenv.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskservCatalogTest {
    @TempDir
    Path dir;

    @Test
    void the_shipped_catalog_has_the_six_taskservs_each_with_image_start_and_checks_or_a_reason() {
        TaskservCatalog catalog = CatalogFiles.readCatalog(RepoFiles.catalog());
        assertThat(catalog.taskservs().keySet())
                .containsExactlyInAnyOrder("postgres", "redis", "etcd", "containerd", "kubernetes", "cilium");
        for (String name : new String[] {"postgres", "redis", "etcd", "containerd"}) {
            Taskserv t = catalog.require(name);
            assertThat(t.image()).startsWith("provisioning/taskserv-" + name);
            assertThat(t.start()).isNotEmpty();
            assertThat(t.install()).isNotEmpty();
            assertThat(t.checks()).isNotEmpty();
            assertThat(t.idempotence()).isNotNull();
        }
        assertThat(catalog.require("etcd").cluster().memberFormat()).contains("{{node_name}}");
    }

    @Test
    void kubernetes_and_cilium_are_refused_with_the_reason_the_catalog_gives() {
        TaskservCatalog catalog = CatalogFiles.readCatalog(RepoFiles.catalog());
        assertThatThrownBy(() -> catalog.require("kubernetes"))
                .isInstanceOf(TaskservUnavailableException.class)
                .hasMessageContaining("taskserv 'kubernetes' is not available here")
                .hasMessageContaining("kubeadm");
        assertThatThrownBy(() -> catalog.require("cilium"))
                .isInstanceOf(TaskservUnavailableException.class)
                .hasMessageContaining("cilium");
    }

    @Test
    void a_user_catalog_adds_a_taskserv_of_its_own() throws Exception {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                version: 1
                base_image: provisioning/debian-base:12
                taskservs:
                  keyvalue:
                    description: redis under another name
                    image: provisioning/taskserv-redis:12
                    install: [/usr/local/bin/taskserv-install, redis-server]
                    start: [/usr/local/bin/taskserv-start-redis, --port, "6380"]
                    readiness: {argv: [redis-cli, -p, "6380", ping], timeout_s: 20}
                    checks:
                      - name: ping
                        argv: [redis-cli, -p, "6380", ping]
                        expect: {stdout_contains: PONG}
                """);
        TaskservCatalog catalog = CatalogFiles.readCatalog(file);
        Taskserv keyvalue = catalog.require("keyvalue");
        assertThat(keyvalue.start()).containsExactly("/usr/local/bin/taskserv-start-redis", "--port", "6380");
        assertThat(keyvalue.readiness().withDefaults(catalog.readinessDefaults()).intervalMs()).isEqualTo(200);
        assertThat(keyvalue.checks().getFirst().expect().exitCode()).isNull();
    }

    @Test
    void a_typo_in_a_catalog_is_refused_with_the_file_and_the_key() throws Exception {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                taskservs:
                  redis:
                    imgae: provisioning/taskserv-redis:12
                """);
        assertThatThrownBy(() -> CatalogFiles.readCatalog(file))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("imgae");
    }

    @Test
    void an_available_taskserv_without_an_image_or_a_readiness_probe_is_refused() throws Exception {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                taskservs:
                  half:
                    start: [/bin/true]
                """);
        assertThatThrownBy(() -> CatalogFiles.readCatalog(file))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("taskserv half: image is missing");
    }

    @Test
    void the_shipped_templates_have_the_five_names_of_the_spec_and_resolve_against_the_catalog() {
        TaskservCatalog catalog = CatalogFiles.readCatalog(RepoFiles.catalog());
        TopologyTemplates templates = CatalogFiles.readTemplates(RepoFiles.topologies(), catalog);
        assertThat(templates.templates().keySet()).containsExactlyInAnyOrder("kubernetes_3node", "kubernetes_single",
                "etcd_cluster", "containerd_test", "postgres_redis");
        assertThat(templates.require("etcd_cluster").nodes()).extracting(NodeSpec::name)
                .containsExactly("etcd1", "etcd2", "etcd3");
        assertThat(templates.require("etcd_cluster").checks()).anySatisfy(
                c -> assertThat(c.stopNodes()).containsExactly("etcd3"));
        assertThatThrownBy(() -> templates.require("nope")).isInstanceOf(TemplateNotFoundException.class)
                .hasMessageContaining("etcd_cluster");
    }

    @Test
    void a_template_naming_an_unknown_taskserv_is_refused_at_load() throws Exception {
        TaskservCatalog catalog = CatalogFiles.readCatalog(RepoFiles.catalog());
        Path file = dir.resolve("topologies.yaml");
        Files.writeString(file, """
                templates:
                  mine:
                    cluster_type: x
                    nodes:
                      - {name: a, role: r, taskservs: [mysql]}
                """);
        assertThatThrownBy(() -> CatalogFiles.readTemplates(file, catalog))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("unknown taskserv mysql");
    }
}
