package io.provisioning.orchestrator.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fills_the_bar_in_proportion_and_fits_the_width() throws Exception {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 60);

        String line = bar.render(TaskState.of(JSON.readTree(
                "{\"id\":\"t\",\"status\":\"Running\",\"attempts\":2,\"max_attempts\":3,"
                        + "\"progress\":{\"percent\":50,\"message\":\"a long message about web-01 that goes on\"}}")));

        assertThat(line).startsWith("Running   [############------------]  50%  a long");
        assertThat(line).hasSize(59).endsWith("...");
    }

    @Test
    void log_lines_scroll_above_the_bar_which_is_drawn_again() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(out, true, StandardCharsets.UTF_8), 80);

        bar.update(JSON.readTree("{\"status\":\"Running\",\"progress\":{\"percent\":25,\"message\":\"m\"}}"));
        bar.log("stderr", "oops\nsecond");
        bar.finish(JSON.readTree("{\"status\":\"Completed\",\"progress\":{\"percent\":100,\"message\":\"m\"}}"));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\r\033[KRunning   [######------------------]  25%  m"
                        + "\r\033[K! oops second\n"
                        + "Running   [######------------------]  25%  m"
                        + "\r\033[KCompleted [########################] 100%  m\n");
    }
}
