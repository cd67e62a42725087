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
    void keeps_the_filter_on_another_page() {
        var query = new TaskQuery(TaskStatus.Failed, 10, 0).withInfra("production").page(5, 20);
        assertThat(query).isEqualTo(new TaskQuery(TaskStatus.Failed, null, "production", 5, 20));
    }
}
