package io.provisioning.orchestrator.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.AttemptRecord;
import io.provisioning.orchestrator.task.Task;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes a {@link Task} field by field, byte for byte what Jackson's reflective bean serializer
 * writes for it under {@link Json}'s settings (the order of {@code @JsonPropertyOrder}, snake_case
 * names, nulls written but for the fields marked {@code NON_NULL}, {@code interrupted} only when
 * true), without its reflective accessor calls: a task is serialized on every state change, every
 * event, every response and every migration, and the reflective path was about a third of a
 * PostgreSQL worker's time. {@code TaskJsonTest} holds it to the reflective output.
 */
final class TaskSerializer extends StdSerializer<Task> {
    private static final SerializedString ID = name("id"), NAME = name("name"), COMMAND = name("command"),
            ARGS = name("args"), DEPENDENCIES = name("dependencies"), STATUS = name("status"),
            CREATED_AT = name("created_at"), STARTED_AT = name("started_at"), COMPLETED_AT = name("completed_at"),
            OUTPUT = name("output"), ERROR = name("error"), PRIORITY = name("priority"), ATTEMPTS = name("attempts"),
            MAX_ATTEMPTS = name("max_attempts"), NEXT_ATTEMPT_AT = name("next_attempt_at"),
            TIMEOUT_SECONDS = name("timeout_seconds"), PROGRESS = name("progress"), PERCENT = name("percent"),
            MESSAGE = name("message"), EXIT_CODE = name("exit_code"), WORKFLOW = name("workflow"),
            INFRA = name("infra"), UPDATED_AT = name("updated_at"), SEQUENCE = name("sequence"),
            WAITING_FOR = name("waiting_for"), LOCKS = name("locks"),
            CONTINUE = name("continue_on_dependency_failure"), HISTORY = name("history"), PROCESS = name("process"),
            IDEMPOTENCY_KEY = name("idempotency_key"), REQUEST_HASH = name("request_hash"),
            ATTEMPT = name("attempt"), OUTCOME = name("outcome"), ENDED_AT = name("ended_at"),
            INTERRUPTED = name("interrupted"), PID = name("pid"), PGID = name("pgid"),
            START_TICKS = name("start_ticks"), NODE = name("node"), HOST = name("host");

    TaskSerializer() {
        super(Task.class);
    }

    private static SerializedString name(String name) {
        return new SerializedString(name);
    }

    @Override
    public void serialize(Task task, JsonGenerator out, SerializerProvider provider) throws IOException {
        char[] scratch = new char[30];
        out.writeStartObject(task);
        string(out, ID, task.id());
        string(out, NAME, task.name());
        string(out, COMMAND, task.command());
        strings(out, ARGS, task.args());
        strings(out, DEPENDENCIES, task.dependencies());
        string(out, STATUS, task.status() == null ? null : task.status().name());
        instant(out, CREATED_AT, task.createdAt(), scratch);
        instant(out, STARTED_AT, task.startedAt(), scratch);
        instant(out, COMPLETED_AT, task.completedAt(), scratch);
        string(out, OUTPUT, task.output());
        string(out, ERROR, task.error());
        out.writeFieldName(PRIORITY);
        out.writeNumber(task.priority());
        out.writeFieldName(ATTEMPTS);
        out.writeNumber(task.attempts());
        out.writeFieldName(MAX_ATTEMPTS);
        out.writeNumber(task.maxAttempts());
        instant(out, NEXT_ATTEMPT_AT, task.nextAttemptAt(), scratch);
        out.writeFieldName(TIMEOUT_SECONDS);
        out.writeNumber(task.timeoutSeconds());
        out.writeFieldName(PROGRESS);
        out.writeStartObject();
        out.writeFieldName(PERCENT);
        out.writeNumber(task.progress().percent());
        string(out, MESSAGE, task.progress().message());
        out.writeEndObject();
        integer(out, EXIT_CODE, task.exitCode());
        string(out, WORKFLOW, task.workflow());
        string(out, INFRA, task.infra());
        instant(out, UPDATED_AT, task.updatedAt(), scratch);
        out.writeFieldName(SEQUENCE);
        out.writeNumber(task.sequence());
        string(out, WAITING_FOR, task.waitingFor());
        strings(out, LOCKS, task.locks());
        out.writeFieldName(CONTINUE);
        out.writeBoolean(task.continueOnDependencyFailure());
        out.writeFieldName(HISTORY);
        out.writeStartArray();
        for (AttemptRecord record : task.history()) {
            attempt(out, record, scratch);
        }
        out.writeEndArray();
        if (task.process() != null) {
            out.writeFieldName(PROCESS);
            process(out, task.process(), scratch);
        }
        if (task.idempotencyKey() != null) {
            string(out, IDEMPOTENCY_KEY, task.idempotencyKey());
        }
        if (task.requestHash() != null) {
            string(out, REQUEST_HASH, task.requestHash());
        }
        out.writeEndObject();
    }

    private static void attempt(JsonGenerator out, AttemptRecord record, char[] scratch) throws IOException {
        if (record == null) {
            out.writeNull();
            return;
        }
        out.writeStartObject();
        out.writeFieldName(ATTEMPT);
        out.writeNumber(record.attempt());
        string(out, OUTCOME, record.outcome() == null ? null : record.outcome().name());
        instant(out, STARTED_AT, record.startedAt(), scratch);
        instant(out, ENDED_AT, record.endedAt(), scratch);
        integer(out, EXIT_CODE, record.exitCode());
        string(out, ERROR, record.error());
        if (record.interrupted()) {
            out.writeFieldName(INTERRUPTED);
            out.writeBoolean(true);
        }
        if (record.process() != null) {
            out.writeFieldName(PROCESS);
            process(out, record.process(), scratch);
        }
        out.writeEndObject();
    }

    private static void process(JsonGenerator out, AttemptProcess process, char[] scratch) throws IOException {
        out.writeStartObject();
        out.writeFieldName(PID);
        out.writeNumber(process.pid());
        out.writeFieldName(PGID);
        out.writeNumber(process.pgid());
        out.writeFieldName(START_TICKS);
        out.writeNumber(process.startTicks());
        string(out, NODE, process.node());
        string(out, HOST, process.host());
        instant(out, STARTED_AT, process.startedAt(), scratch);
        out.writeEndObject();
    }

    /** A string field; {@code writeString(null)} writes null in every Jackson generator, trees included. */
    private static void string(JsonGenerator out, SerializedString field, String value) throws IOException {
        out.writeFieldName(field);
        out.writeString(value);
    }

    private static void strings(JsonGenerator out, SerializedString field, List<String> values) throws IOException {
        out.writeFieldName(field);
        out.writeStartArray();
        for (String value : values) {
            out.writeString(value);
        }
        out.writeEndArray();
    }

    private static void integer(JsonGenerator out, SerializedString field, Integer value) throws IOException {
        out.writeFieldName(field);
        if (value == null) {
            out.writeNull();
        } else {
            out.writeNumber(value.intValue());
        }
    }

    private static void instant(JsonGenerator out, SerializedString field, Instant value, char[] scratch)
            throws IOException {
        out.writeFieldName(field);
        if (value == null) {
            out.writeNull();
        } else {
            IsoInstantSerializer.writeTo(out, value, scratch);
        }
    }
}
