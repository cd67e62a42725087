package io.provisioning.orchestrator.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.task.Progress;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void reads_a_json_object_with_a_progress_key_as_progress() {
        assertThat(ProgressLine.parse("{\"progress\": 40, \"message\": \"web-01 created\"}"))
                .contains(new Progress(40, "web-01 created"));
        assertThat(ProgressLine.parse("  {\"progress\":100}  ")).contains(new Progress(100, null));
    }

    @Test
    void clamps_progress_to_zero_to_a_hundred() {
        assertThat(ProgressLine.parse("{\"progress\": 250}")).contains(new Progress(100, null));
        assertThat(ProgressLine.parse("{\"progress\": -3}")).contains(new Progress(0, null));
    }

    @Test
    void treats_everything_else_as_a_log_line() {
        assertThat(ProgressLine.parse("creating web-01")).isEmpty();
        assertThat(ProgressLine.parse("{\"status\": \"ok\"}")).isEmpty();
        assertThat(ProgressLine.parse("{\"progress\": \"forty\"}")).isEmpty();
        assertThat(ProgressLine.parse("{\"progress\": 40")).isEmpty();
    }
}
