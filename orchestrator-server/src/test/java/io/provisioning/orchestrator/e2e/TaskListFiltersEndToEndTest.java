package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /tasks filtered by workflow and infra on the real server: more tasks than one page, every
 * page exact, X-Total-Count counting every match (not the page, not all tasks), and a bad filter
 * value refused with a sentence; and a task's dependents. One worker held by a hanging task keeps
 * the rest Pending, so no script runs meanwhile.
 */
class TaskListFiltersEndToEndTest {
    private static final int TASKS = 45;
    private static final int PAGE = 10;
    @TempDir static Path dataDir;
    @TempDir static Path workspace;
    static ServerProcess server;
    static Api api;
    /** Index i of the batch: workflow taskserv.create when i % 3 == 0 (else servers.create), infra staging when i is even. */
    static final Map<Integer, String> ids = new java.util.HashMap<>();
    static final List<String> dependents = new ArrayList<>();

    @BeforeAll
    static void submitTasksOfTwoWorkflowsInTwoInfras() throws Exception {
        Files.writeString(workspace.resolve("settings.yaml"), "provider: local\n");
        server = ServerProcess.start(dataDir, workspace, Components.fixtureScript(), "--workers", "1");
        api = server.api();
        Api.Reply hold = api.post("/workflows/servers/create",
                "{\"infra\":\"hold\",\"settings\":\"./settings.yaml\",\"servers\":[\"hang-01\"]}");
        assertThat(hold.status()).as(String.valueOf(hold.body())).isEqualTo(200);
        StringBuilder batch = new StringBuilder("{\"tasks\":[");
        for (int i = 0; i < TASKS; i++) {
            String infra = i % 2 == 0 ? "staging" : "production";
            batch.append(i == 0 ? "" : ",").append(i % 3 == 0
                    ? "{\"ref\":\"t" + i + "\",\"workflow\":\"taskserv\",\"taskserv\":\"etcd\",\"servers\":[\"ok-" + i + "\"]"
                    : "{\"ref\":\"t" + i + "\",\"workflow\":\"servers\",\"servers\":[\"ok-" + i + "\"]")
                    .append(",\"infra\":\"").append(infra).append("\",\"settings\":\"./settings.yaml\"}");
        }
        Api.Reply reply = api.post("/workflows/batch", batch.append("]}").toString());
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        for (int i = 0; i < TASKS; i++) {
            ids.put(i, reply.data().path("t" + i).asText());
        }
        // dependents, in infra hold: two of t0, one of t1 (they wait: t0 and t1 never run here)
        for (String after : List.of(ids.get(0), ids.get(0) + "\",\"" + ids.get(1), ids.get(1))) {
            Api.Reply dependent = api.post("/workflows/servers/create", "{\"infra\":\"hold\",\"settings\":\"./settings.yaml\","
                    + "\"servers\":[\"ok-d\"],\"depends_on\":[\"" + after + "\"]}");
            assertThat(dependent.status()).as(String.valueOf(dependent.body())).isEqualTo(200);
            dependents.add(dependent.data().asText());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void filters_by_workflow_over_several_pages_with_the_total_of_every_match() throws Exception {
        assertPagesHoldExactly("workflow=taskserv.create", expected(i -> i % 3 == 0));
        assertPagesHoldExactly("workflow=servers.create", plusHold(expected(i -> i % 3 != 0)));
        assertPagesHoldExactly("workflow=cluster.create", Set.of());
    }

    @Test
    void filters_by_infra_over_several_pages_with_the_total_of_every_match() throws Exception {
        assertPagesHoldExactly("infra=staging", expected(i -> i % 2 == 0));
        assertPagesHoldExactly("infra=production", expected(i -> i % 2 != 0));
    }

    @Test
    void filters_combine_with_each_other_and_with_the_status() throws Exception {
        assertPagesHoldExactly("workflow=taskserv.create&infra=staging", expected(i -> i % 6 == 0));
        // the one worker is held by the hanging task: every batch task is still Pending
        assertPagesHoldExactly("status=Pending&workflow=servers.create&infra=production", expected(i -> i % 3 != 0 && i % 2 != 0));
        assertPagesHoldExactly("status=Completed&infra=staging", Set.of());
    }

    @Test
    void finds_the_dependents_of_a_task() throws Exception {
        assertPagesHoldExactly("depends_on=" + ids.get(0), Set.of(dependents.get(0), dependents.get(1)));
        assertPagesHoldExactly("depends_on=" + ids.get(1).toUpperCase(), Set.of(dependents.get(1), dependents.get(2)));
        assertPagesHoldExactly("depends_on=" + ids.get(2), Set.of());
        Api.Reply bad = api.get("/tasks?depends_on=web-01");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("query parameter 'depends_on' must be a task id; got \"web-01\"");
    }

    @Test
    void counts_every_status_of_a_filter_at_once_as_the_pages_count_them() throws Exception {
        Api.Reply staging = api.get("/tasks/counts?infra=staging");
        assertThat(staging.status()).as(String.valueOf(staging.body())).isEqualTo(200);
        assertThat(staging.data().properties()).extracting(Map.Entry::getKey)
                .containsExactly("Pending", "Running", "Completed", "Failed", "Cancelled");
        assertThat(staging.data().path("Pending").asLong()).isEqualTo(expected(i -> i % 2 == 0).size());
        assertThat(staging.data().path("Running").asLong()).isZero();
        Api.Reply both = api.get("/tasks/counts?workflow=taskserv.create&infra=staging&status=Completed");
        assertThat(both.data().path("Pending").asLong()).as("the status is not a filter here").isEqualTo(expected(i -> i % 6 == 0).size());
        Api.Reply hold = api.get("/tasks/counts?infra=hold");
        assertThat(hold.data().path("Running").asLong() + hold.data().path("Pending").asLong()).isEqualTo(1 + dependents.size());
        assertThat(api.get("/tasks/counts?depends_on=" + ids.get(0)).data().path("Pending").asLong()).isEqualTo(2);
        long all = 0;
        for (JsonNode n : api.get("/tasks/counts").data()) {
            all += n.asLong();
        }
        assertThat(all).isEqualTo(Long.parseLong(api.get("/tasks?limit=1").headers().get("x-total-count").get(0)));
        Api.Reply bad = api.get("/tasks/counts?infra=prod%3Brm%20-rf");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).startsWith("query parameter 'infra' must be a name of letters, digits");
        assertThat(api.get("/tasks/counts?workflow=servers.explode").status()).isEqualTo(400);
    }

    @Test
    void a_bad_filter_value_gets_400_with_a_sentence() throws Exception {
        Api.Reply workflow = api.get("/tasks?workflow=servers.explode");
        assertThat(workflow.status()).isEqualTo(400);
        assertThat(workflow.error()).isEqualTo("unknown workflow \"servers.explode\"; use one of servers.create, "
                + "servers.delete, taskserv.create, taskserv.delete, cluster.create");
        Api.Reply infra = api.get("/tasks?infra=prod%3Brm%20-rf");
        assertThat(infra.status()).isEqualTo(400);
        assertThat(infra.error()).startsWith("query parameter 'infra' must be a name of letters, digits")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(api.get("/tasks?infra=..%2Fetc").status()).isEqualTo(400);
    }

    /** Walks every page of the filter, PAGE at a time: together they are the expected tasks, newest first, each once. */
    private static void assertPagesHoldExactly(String filter, Set<String> expected) throws Exception {
        List<String> seen = new ArrayList<>();
        long previousSequence = Long.MAX_VALUE;
        for (int offset = 0; ; offset += PAGE) {
            Api.Reply page = api.get("/tasks?" + filter + "&limit=" + PAGE + "&offset=" + offset);
            assertThat(page.status()).as(String.valueOf(page.body())).isEqualTo(200);
            assertThat(Long.parseLong(page.headers().get("x-total-count").get(0))).as(filter + " total")
                    .isEqualTo(expected.size());
            for (JsonNode task : page.data()) {
                seen.add(task.path("id").asText());
                assertThat(task.path("sequence").asLong()).as("newest first").isLessThan(previousSequence);
                previousSequence = task.path("sequence").asLong();
            }
            if (page.data().size() < PAGE) {
                break;
            }
        }
        assertThat(seen).as(filter).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        if (expected.size() > PAGE) {
            assertThat(seen).as("more than one page").hasSizeGreaterThan(PAGE);
        }
    }

    private static Set<String> expected(IntPredicate which) {
        Set<String> out = new HashSet<>();
        IntStream.range(0, TASKS).filter(which).forEach(i -> out.add(ids.get(i)));
        return out;
    }

    /** With the tasks of infra hold: the hanging one and the dependents (all servers.create). */
    private static Set<String> plusHold(Set<String> ids) throws Exception {
        Set<String> out = new HashSet<>(ids);
        api.get("/tasks?infra=hold").data().forEach(t -> out.add(t.path("id").asText()));
        assertThat(out).hasSize(ids.size() + 1 + dependents.size());
        return out;
    }
}
