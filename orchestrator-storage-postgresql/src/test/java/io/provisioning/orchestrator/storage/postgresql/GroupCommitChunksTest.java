package io.provisioning.orchestrator.storage.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a batch is cut into queries: by kind of write (its SQL text), each kind in chunks of a power
 * of two, so that the texts the driver and the server see recur and are prepared once.
 */
class GroupCommitChunksTest {
    @Test
    void writes_of_one_kind_go_together_in_power_of_two_chunks_in_their_order() {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            batch.add("claim-" + i);
            if (i % 3 == 0) {
                batch.add("outcome-" + i);
            }
        }
        List<List<String>> chunks = chunks(batch, w -> w.substring(0, w.indexOf('-')));

        assertThat(chunks).extracting(List::size).containsExactly(8, 4, 1, 4, 1);
        assertThat(chunks.stream().flatMap(List::stream).toList()).as("each kind in its order, the first kind first")
                .containsExactlyElementsOf(batch.stream().sorted((a, b) -> Boolean.compare(a.startsWith("outcome"),
                        b.startsWith("outcome"))).toList());
        assertThat(chunks.get(0)).startsWith("claim-0", "claim-1");
        assertThat(chunks.get(3)).containsExactly("outcome-0", "outcome-3", "outcome-6", "outcome-9");
    }

    @Test
    void a_batch_of_one_kind_whose_size_is_a_power_of_two_is_one_chunk() {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < GroupCommit.MAX_BATCH; i++) {
            batch.add("w" + i);
        }
        assertThat(chunks(batch, w -> "same")).hasSize(1);
        assertThat(chunks(batch.subList(0, 255), w -> "same")).extracting(List::size)
                .containsExactly(128, 64, 32, 16, 8, 4, 2, 1);
    }

    /** The queries of a batch of plain writes (no set statement): chunks of one SQL text each. */
    private static List<List<String>> chunks(List<String> batch, java.util.function.Function<String, Object> kind) {
        List<GroupCommit.Step<String>> steps = GroupCommit.steps(batch, kind, w -> w);
        assertThat(steps).noneMatch(GroupCommit.Step::together);
        return steps.stream().map(GroupCommit.Step::writes).toList();
    }

    @Test
    void writes_of_a_set_statement_go_as_one_step_per_round_of_distinct_keys_and_a_lone_write_alone() {
        GroupCommit.SetStatement claims = new GroupCommit.SetStatement("claims", List.of("text"));
        // write = kind:key
        List<String> batch = List.of("claim:a", "claim:b", "plain:x", "claim:a", "claim:c", "claim:a", "plain:y");
        List<GroupCommit.Step<String>> steps = GroupCommit.steps(batch,
                w -> w.startsWith("claim") ? claims : "plain", w -> w.substring(w.indexOf(':') + 1));

        assertThat(steps).extracting(GroupCommit.Step::writes).containsExactly(
                List.of("claim:a", "claim:b", "claim:c"), // the first round: each key once
                List.of("claim:a"),                       // a's second write, after its first
                List.of("claim:a"),                       // and its third
                List.of("plain:x", "plain:y"));
        assertThat(steps).extracting(GroupCommit.Step::together).containsExactly(true, false, false, false);
    }
}
