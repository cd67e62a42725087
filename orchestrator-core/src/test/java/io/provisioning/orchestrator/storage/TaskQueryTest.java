package io.provisioning.orchestrator.storage;

import static io.provisioning.orchestrator.testing.TaskFixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.task.TaskStatus;
import org.junit.jupiter.api.Test;

class TaskQueryTest {
    @Test
    void matches_a_task_by_status_workflow_and_infra_together() {
        var query = new TaskQuery(TaskStatus.Pending, 10, 0).withWorkflow("taskserv.create").withInfra("staging");
        assertThat(query.matches(aTask().withWorkflow("taskserv.create").withInfra("staging").pending())).isTrue();
        assertThat(query.matches(aTask().withWorkflow("servers.create").withInfra("staging").pending())).isFalse();
        assertThat(query.matches(aTask().withWorkflow("taskserv.create").withInfra("production").pending())).isFalse();
        assertThat(query.matches(aTask().withWorkflow("taskserv.create").withInfra("staging").running())).isFalse();
        assertThat(query.matches(aTask().withWorkflow(null).withInfra(null).pending())).isFalse();
    }

    @Test
    void an_empty_filter_value_means_no_filter() {
        var query = new TaskQuery(null, 10, 0).withWorkflow("").withInfra("");
        assertThat(query.filtersBeyondStatus()).isFalse();
        assertThat(query.matches(aTask().withWorkflow(null).withInfra(null).completed())).isTrue();
    }

    @Test
    void refuses_an_unknown_workflow_naming_the_ones_there_are() {
        assertThatThrownBy(() -> TaskQuery.all().withWorkflow("servers.explode"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("unknown workflow \"servers.explode\"; use one of servers.create, servers.delete, "
                        + "taskserv.create, taskserv.delete, cluster.create");
    }

    @Test
    void refuses_an_infra_that_is_not_a_name() {
        assertThatThrownBy(() -> TaskQuery.all().withInfra("prod;rm -rf"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("query parameter 'infra' must be a name of letters, digits");
        assertThatThrownBy(() -> TaskQuery.all().withInfra("a..b")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void finds_the_dependents_of_a_task_by_its_id_in_any_letter_case() {
        String id = "0a1b2c3d-0000-4000-8000-00000000abcd";
        var query = TaskQuery.all().withDependsOn(id.toUpperCase());
        assertThat(query.dependsOn()).isEqualTo(id);
        assertThat(query.matches(aTask().withDependencies("11111111-0000-4000-8000-000000000000", id).pending())).isTrue();
        assertThat(query.matches(aTask().pending())).isFalse();
        assertThatThrownBy(() -> TaskQuery.all().withDependsOn("web-01"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("query parameter 'depends_on' must be a task id; got \"web-01\"");
    }

    @Test
    void keeps_the_filter_on_another_page() {
        var query = new TaskQuery(TaskStatus.Failed, 10, 0).withInfra("production").page(5, 20);
        assertThat(query).isEqualTo(new TaskQuery(TaskStatus.Failed, null, "production", null, 5, 20));
    }
}
