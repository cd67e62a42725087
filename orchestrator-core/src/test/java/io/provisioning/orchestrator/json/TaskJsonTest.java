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
 * The product's task (de)serializer writes byte for byte what Jackson's reflective bean serializer
 * writes under the same settings, and reads every input as its reflective reader does: every stored
 * task, content hash and response depends on it.
 */
class TaskJsonTest {
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
    void random_tasks_are_read_back_exactly_as_the_reflective_deserializer_reads_them() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            Task task = randomTask(random);
            byte[] json = REFLECTIVE.writeValueAsBytes(task);
            Task read = Json.mapper().readValue(json, Task.class);
            assertThat(read).isEqualTo(REFLECTIVE.readValue(json, Task.class));
            assertThat(Json.mapper().writeValueAsBytes(read)).isEqualTo(json);
        }
    }

    /** Shapes the product never writes: each is read (or refused) as the reflective deserializer does. */
    @Test
    void other_shapes_of_a_task_are_read_or_refused_as_the_reflective_deserializer_does() throws Exception {
        String stored = REFLECTIVE.writeValueAsString(randomTask(new SplittableRandom(9)));
        List<String> inputs = new ArrayList<>(List.of(
                "{}", "{\"id\":\"a\"}", "[]", "\"text\"", "17", "null", "{\"id\":\"a\",}", "{\"id\"}",
                "{\"status\":\"pending\"}", "{\"status\":\" Running \"}", "{\"status\":\"Paused\"}",
                "{\"status\":3}", "{\"status\":null}", "{\"priority\":\"5\"}", "{\"priority\":5.7}",
                "{\"priority\":3000000000}", "{\"priority\":null}", "{\"priority\":true}",
                "{\"attempts\":\"x\"}", "{\"sequence\":\"12\"}", "{\"sequence\":1.5}",
                "{\"sequence\":99999999999999999999}", "{\"exit_code\":\"3\"}", "{\"exit_code\":3000000000}",
                "{\"exit_code\":2.0}", "{\"continue_on_dependency_failure\":\"true\"}",
                "{\"continue_on_dependency_failure\":1}", "{\"continue_on_dependency_failure\":null}",
                "{\"args\":\"one\"}", "{\"args\":[1,true,null]}", "{\"args\":[[\"x\"]]}", "{\"args\":{}}",
                "{\"locks\":null}", "{\"dependencies\":[\"a\",\"b\"]}", "{\"name\":5}", "{\"name\":true}",
                "{\"name\":{\"x\":1}}", "{\"name\":[\"x\"]}", "{\"created_at\":1767225600}",
                "{\"created_at\":\"yesterday\"}", "{\"created_at\":\"2026-01-01t00:00:00z\"}",
                "{\"progress\":null}", "{\"progress\":{}}", "{\"progress\":{\"percent\":150,\"message\":7}}",
                "{\"progress\":{\"percent\":\"40\",\"extra\":[1,{\"a\":2}]}}", "{\"progress\":5}",
                "{\"progress\":[]}", "{\"history\":null}", "{\"history\":[null]}", "{\"history\":{}}",
                "{\"history\":[{\"attempt\":1,\"outcome\":\"failed\",\"interrupted\":true,\"x\":1}]}",
                "{\"process\":null}", "{\"process\":{\"pid\":\"12\",\"node\":\"n\"}}", "{\"process\":7}",
                "{\"unknown\":{\"deep\":[1,2,{\"id\":\"no\"}]},\"id\":\"kept\"}",
                "{\"id\":\"first\",\"id\":\"second\"}", "{\"Id\":\"case\"}", "{\"createdAt\":\"2026-01-01T00:00:00Z\"}",
                " \n{ \"id\" : \"spaced\" , \"priority\" : -3 }\n "));
        inputs.add(stored);
        inputs.add(stored.replace("\"id\":", "\"extra\":[{\"id\":1}],\"id\":"));
        inputs.add(stored.substring(0, stored.length() - 1));
        for (String json : inputs) {
            assertThat(outcome(Json.mapper(), json)).as(json).isEqualTo(outcome(REFLECTIVE, json));
        }
    }

    /** The task read, or "refused" with the kind of exception. */
    private static String outcome(ObjectMapper mapper, String json) {
        try {
            return String.valueOf(mapper.readValue(json, Task.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "refused " + (e instanceof com.fasterxml.jackson.databind.JsonMappingException ? "mapping" : "parse");
        } catch (Exception e) {
            return "refused " + e.getClass().getName();
        }
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
                : IsoInstantsTest.randomInstant(random, random.nextInt(4));
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
