package io.provisioning.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteRolesTest {
    RouteRoles roles = RouteRoles.standard(false);

    @Test
    void the_table_gives_each_known_route_its_role() {
        assertThat(roles.required("GET", "/health")).isEmpty();
        assertThat(roles.required("GET", "/tasks")).contains(Role.VIEWER);
        assertThat(roles.required("GET", "/tasks/{id}")).contains(Role.VIEWER);
        assertThat(roles.required("GET", "/metrics")).contains(Role.VIEWER);
        assertThat(roles.required("POST", "/workflows/servers/create")).contains(Role.OPERATOR);
        assertThat(roles.required("POST", "/workflows/cluster/create")).contains(Role.OPERATOR);
        assertThat(roles.required("POST", "/tasks/{id}/cancel")).contains(Role.OPERATOR);
        assertThat(roles.required("POST", "/tasks/<task_id>/retry/")).contains(Role.OPERATOR);
        assertThat(roles.required("POST", "/test/environments/create")).contains(Role.OPERATOR);
        assertThat(roles.required("POST", "/test/environments/{env}/run")).contains(Role.OPERATOR);
        assertThat(roles.required("DELETE", "/test/environments/{id}")).contains(Role.OPERATOR);
        assertThat(roles.required("GET", "/test/environments/{id}/logs")).contains(Role.VIEWER);
        assertThat(roles.required("GET", "/audit")).contains(Role.ADMIN);
        assertThat(roles.required("GET", "/audit/verify")).contains(Role.ADMIN);
        assertThat(roles.required("GET", "/storage/migration")).contains(Role.ADMIN);
        assertThat(roles.required("POST", "/storage/migrate")).contains(Role.ADMIN);
        assertThat(roles.required("PUT", "/settings")).contains(Role.ADMIN);
    }

    @Test
    void metrics_can_be_made_public() {
        assertThat(RouteRoles.standard(true).required("GET", "/metrics")).isEmpty();
    }

    @Test
    void a_route_added_later_defaults_to_viewer_for_reads_and_admin_for_writes() {
        assertThat(roles.required("GET", "/tasks/{id}/events")).contains(Role.VIEWER);
        assertThat(roles.required("DELETE", "/tasks/{id}")).contains(Role.ADMIN);
        assertThat(roles.required("POST", "/tasks/{id}/pause")).contains(Role.ADMIN);
        assertThat(roles.required("PATCH", "/workflows/servers/create")).contains(Role.ADMIN);
        assertThat(roles.required("DELETE", "/test/environments/{id}/run")).contains(Role.ADMIN);
    }

    @Test
    void for_any_route_a_write_never_needs_less_than_operator_and_only_health_and_the_version_can_be_open() {
        Random random = new Random(7);
        List<String> words = List.of("tasks", "workflows", "test", "environments", "audit", "storage", "health", "metrics",
                "{id}", "create", "run", "cancel", "retry", "settings", "x", "events", "logs", "version");
        for (int i = 0; i < 5_000; i++) {
            StringBuilder route = new StringBuilder();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                route.append('/').append(words.get(random.nextInt(words.size())));
            }
            String method = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD").get(random.nextInt(6));
            Optional<Role> needed = roles.required(method, route.toString());
            if (needed.isEmpty()) {
                assertThat(route.toString()).isIn("/health", "/version");
                assertThat(route.toString().equals("/health") || RouteRoles.isRead(method)).as(method + " " + route).isTrue();
                continue;
            }
            if (!RouteRoles.isRead(method)) {
                assertThat(needed.get()).as(method + " " + route).isIn(Role.OPERATOR, Role.ADMIN);
            }
            if (route.toString().startsWith("/audit") || route.toString().startsWith("/storage")) {
                assertThat(needed.get()).as(method + " " + route).isEqualTo(Role.ADMIN);
            }
        }
    }

    @Test
    void roles_include_the_ones_below_them() {
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.includes(Role.OPERATOR)).isFalse();
        assertThat(Role.parse(" Operator ")).contains(Role.OPERATOR);
        assertThat(Role.parse("root")).isEmpty();
    }
}
