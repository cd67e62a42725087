package io.provisioning.orchestrator.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.AttemptRecord;
import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The product's task serializer writes byte for byte what Jackson's reflective bean serializer
 * writes under the same settings: every stored task, content hash and response depends on it.
 */
class TaskSerializerTest {
    private static final ObjectMapper REFLECTIVE = Json.reflective().build();

    @Test
    void random_tasks_are_written_exactly_as_the_reflective_serializer_writes_them() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            Task task = randomTask(random);
            assertThat(Json.mapper().writeValueAsString(task)).isEqualTo(REFLECTIVE.writeValueAsString(task));
            assertThat(Json.mapper().writeValueAsBytes(task)).isEqualTo(REFLECTIVE.writeValueAsBytes(task));
        }
    }

    @Test
    void a_task_inside_other_values_trees_and_pretty_output_is_the_same_too() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 500; i++) {
            Task task = randomTask(random);
            Object wrapped = Map.of("task", task, "list", List.of(task, task));
            assertThat(Json.mapper().writeValueAsString(wrapped)).isEqualTo(REFLECTIVE.writeValueAsString(wrapped));
            assertThat(Json.mapper().valueToTree(task).toString()).isEqualTo(REFLECTIVE.valueToTree(task).toString());
            assertThat(Json.mapper().writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(task))
                    .isEqualTo(REFLECTIVE.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(task));
            assertThat(Json.mapper().readValue(Json.mapper().writeValueAsBytes(task), Task.class)).isEqualTo(task);
        }
    }

    @Test
    void instants_of_every_shape_are_written_as_instant_to_string_writes_them() {
        SplittableRandom random = new SplittableRandom(3);
        char[] out = new char[30];
        for (int i = 0; i < 200_000; i++) {
            Instant instant = randomInstant(random, i);
            int length = IsoInstantSerializer.write(instant, out);
            assertThat(new String(out, 0, length)).isEqualTo(instant.toString());
        }
        for (Instant edge : List.of(Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("1969-12-31T23:59:59.999Z"), Instant.EPOCH, Instant.parse("2000-02-29T00:00:00Z"),
                Instant.parse("1900-03-01T00:00:00.000001Z"))) {
            assertThat(new String(out, 0, IsoInstantSerializer.write(edge, out))).isEqualTo(edge.toString());
        }
        assertThat(IsoInstantSerializer.write(Instant.parse("+10000-01-01T00:00:00Z"), out)).isEqualTo(-1);
        assertThat(IsoInstantSerializer.write(Instant.parse("-0001-12-31T23:59:59Z"), out)).isEqualTo(-1);
    }

    private static Instant randomInstant(SplittableRandom random, int i) {
        long second = random.nextLong(-62_167_219_200L, 253_402_300_800L);
        int nanos = switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nanos);
    }

    private static Task randomTask(SplittableRandom random) {
        int shape = random.nextInt(1 << 20);
        List<AttemptRecord> history = new ArrayList<>();
        for (int a = random.nextInt(4); a > 0; a--) {
            history.add(new AttemptRecord(random.nextInt(10), maybe(random, status(random)), maybeInstant(random),
                    maybeInstant(random), maybe(random, random.nextInt(-1, 256)), maybe(random, text(random)),
                    random.nextBoolean(), maybe(random, process(random))));
        }
        return new Task(text(random), maybe(random, text(random)), maybe(random, text(random)), texts(random),
                texts(random), (shape & 1) == 0 ? status(random) : maybe(random, status(random)), maybeInstant(random),
                maybeInstant(random), maybeInstant(random), maybe(random, text(random)), maybe(random, text(random)),
                random.nextInt(), random.nextInt(), random.nextInt(), maybeInstant(random), random.nextInt(),
                random.nextBoolean() ? null : new Progress(random.nextInt(-5, 120), maybe(random, text(random))),
                maybe(random, random.nextInt()), maybe(random, text(random)), maybe(random, text(random)),
                maybeInstant(random), random.nextLong(), maybe(random, text(random)), texts(random), random.nextBoolean(),
                history, maybe(random, text(random)), maybe(random, text(random)), maybe(random, process(random)));
    }

    private static AttemptProcess process(SplittableRandom random) {
        return new AttemptProcess(random.nextLong(), random.nextLong(), random.nextLong(), maybe(random, text(random)),
                maybe(random, text(random)), maybeInstant(random));
    }

    private static TaskStatus status(SplittableRandom random) {
        return TaskStatus.values()[random.nextInt(TaskStatus.values().length)];
    }

    private static Instant maybeInstant(SplittableRandom random) {
        if (random.nextInt(4) == 0) {
            return null;
        }
        return random.nextInt(50) == 0 ? (random.nextBoolean() ? Instant.MAX : Instant.MIN)
                : randomInstant(random, random.nextInt(4));
    }

    private static <T> T maybe(SplittableRandom random, T value) {
        return random.nextInt(3) == 0 ? null : value;
    }

    private static List<String> texts(SplittableRandom random) {
        List<String> list = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            list.add(text(random));
        }
        return list;
    }

    /** Plain words, quotes, backslashes, control characters, non-Latin text, emoji, lone surrogates. */
    private static String text(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            switch (random.nextInt(8)) {
                case 0 -> text.append('"');
                case 1 -> text.append('\\');
                case 2 -> text.append((char) random.nextInt(0x20));
                case 3 -> text.append("серверы/日本");
                case 4 -> text.appendCodePoint(0x1F680);
                case 5 -> text.append('\u2028').append('\u007f');
                case 6 -> text.append((char) random.nextInt(0xD800, 0xE000));
                default -> text.append("web-").append(random.nextInt(100));
            }
        }
        return text.toString();
    }
}
