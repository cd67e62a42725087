package io.provisioning.orchestrator.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {
    @Test
    void reads_lines_ended_by_lf_crlf_or_cr_and_a_last_one_without_end() throws Exception {
        BoundedLineReader lines = new BoundedLineReader(new StringReader("one\ntwo\r\nthree\rfour\n\nfive"), 100);
        assertThat(lines.readLine()).isEqualTo("one");
        assertThat(lines.readLine()).isEqualTo("two");
        assertThat(lines.readLine()).isEqualTo("three");
        assertThat(lines.readLine()).isEqualTo("four");
        assertThat(lines.readLine()).isEqualTo("");
        assertThat(lines.readLine()).isEqualTo("five");
        assertThat(lines.readLine()).isNull();
    }

    @Test
    void cuts_a_line_over_the_limit_with_a_marker_and_reads_the_next_one_whole() throws Exception {
        String endless = "a".repeat(1_000_000);
        BoundedLineReader lines = new BoundedLineReader(new StringReader(endless + "\nnext\n"), 1_000);
        assertThat(lines.readLine()).isEqualTo("a".repeat(1_000)
                + " [line cut: 999000 more characters over the limit of 1000]");
        assertThat(lines.readLine()).isEqualTo("next");
        assertThat(lines.readLine()).isNull();
    }
}
