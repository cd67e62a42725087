package io.provisioning.orchestrator.cli.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordsTest {

    @Test
    void a_nushell_list_typed_into_another_shell_becomes_its_names() {
        assertThat(Words.unbracket(List.of("[containerd", "kubernetes", "cilium]")))
                .containsExactly("containerd", "kubernetes", "cilium");
        assertThat(Words.unbracket(List.of("[a,", "b]", "c"))).containsExactly("a", "b", "c");
        assertThat(Words.unbracket(List.of("[]", "web-01"))).containsExactly("web-01");
    }
}
