package io.provisioning.orchestrator.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.provisioning.orchestrator.task.AttemptProcess;
import io.provisioning.orchestrator.task.AttemptRecord;
import io.provisioning.orchestrator.task.Progress;
import io.provisioning.orchestrator.task.Task;
import io.provisioning.orchestrator.task.TaskStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link Task} as Jackson's reflective record deserializer does under {@link Json}'s
 * settings (snake_case names, unknown fields skipped, a missing field null, 0 or false), without
 * its reflective constructor call and per-field lookups. The shapes the product writes are read
 * here directly (a string, a number, an array of strings, the status by its name, the progress
 * object); any other value of a field (a number as text, a status in another letter case, an
 * instant as a number) goes to the deserializer Jackson has for that field's type, so it is
 * accepted or refused exactly as before. {@code TaskJsonTest} holds it to the reflective
 * reader, hostile inputs included.
 */
final class TaskDeserializer extends StdDeserializer<Task> implements ResolvableDeserializer {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<List<AttemptRecord>> RECORDS = new TypeReference<>() {};

    private JsonDeserializer<Object> strings, text, integer, primitiveInt, primitiveLong, primitiveBoolean, status,
            instant, progress, records, process;

    TaskDeserializer() {
        super(Task.class);
    }

    @Override
    public void resolve(DeserializationContext ctxt) throws JsonMappingException {
        strings = find(ctxt, ctxt.getTypeFactory().constructType(STRINGS));
        text = find(ctxt, ctxt.constructType(String.class));
        integer = find(ctxt, ctxt.constructType(Integer.class));
        primitiveInt = find(ctxt, ctxt.constructType(int.class));
        primitiveLong = find(ctxt, ctxt.constructType(long.class));
        primitiveBoolean = find(ctxt, ctxt.constructType(boolean.class));
        status = find(ctxt, ctxt.constructType(TaskStatus.class));
        instant = find(ctxt, ctxt.constructType(Instant.class));
        progress = find(ctxt, ctxt.constructType(Progress.class));
        records = find(ctxt, ctxt.getTypeFactory().constructType(RECORDS));
        process = find(ctxt, ctxt.constructType(AttemptProcess.class));
    }

    private static JsonDeserializer<Object> find(DeserializationContext ctxt, JavaType type) throws JsonMappingException {
        return ctxt.findRootValueDeserializer(type);
    }

    @Override
    public Task deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            token = p.nextToken();
        } else if (token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT) {
            return (Task) ctxt.handleUnexpectedToken(Task.class, p);
        }
        String id = null, name = null, command = null, output = null, error = null, workflow = null, infra = null,
                waitingFor = null, idempotencyKey = null, requestHash = null;
        List<String> args = null, dependencies = null, locks = null;
        List<AttemptRecord> history = null;
        TaskStatus taskStatus = null;
        Instant createdAt = null, startedAt = null, completedAt = null, nextAttemptAt = null, updatedAt = null;
        int priority = 0, attempts = 0, maxAttempts = 0, timeoutSeconds = 0;
        long sequence = 0;
        boolean continueOnDependencyFailure = false;
        Progress taskProgress = null;
        Integer exitCode = null;
        AttemptProcess taskProcess = null;
        for (; token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            String field = p.currentName();
            p.nextToken();
            try {
                switch (field) {
                    case "id" -> id = text(p, ctxt);
                    case "name" -> name = text(p, ctxt);
                    case "command" -> command = text(p, ctxt);
                    case "args" -> args = strings(p, ctxt);
                    case "dependencies" -> dependencies = strings(p, ctxt);
                    case "status" -> taskStatus = status(p, ctxt);
                    case "created_at" -> createdAt = instant(p, ctxt);
                    case "started_at" -> startedAt = instant(p, ctxt);
                    case "completed_at" -> completedAt = instant(p, ctxt);
                    case "output" -> output = text(p, ctxt);
                    case "error" -> error = text(p, ctxt);
                    case "priority" -> priority = primitiveInt(p, ctxt);
                    case "attempts" -> attempts = primitiveInt(p, ctxt);
                    case "max_attempts" -> maxAttempts = primitiveInt(p, ctxt);
                    case "next_attempt_at" -> nextAttemptAt = instant(p, ctxt);
                    case "timeout_seconds" -> timeoutSeconds = primitiveInt(p, ctxt);
                    case "progress" -> taskProgress = progress(p, ctxt);
                    case "exit_code" -> exitCode = integer(p, ctxt);
                    case "workflow" -> workflow = text(p, ctxt);
                    case "infra" -> infra = text(p, ctxt);
                    case "updated_at" -> updatedAt = instant(p, ctxt);
                    case "sequence" -> sequence = p.currentToken() == JsonToken.VALUE_NUMBER_INT ? p.getLongValue()
                            : p.currentToken() == JsonToken.VALUE_NULL ? 0 : (Long) primitiveLong.deserialize(p, ctxt);
                    case "waiting_for" -> waitingFor = text(p, ctxt);
                    case "locks" -> locks = strings(p, ctxt);
                    case "continue_on_dependency_failure" -> continueOnDependencyFailure = primitiveBoolean(p, ctxt);
                    case "history" -> history = records(p, ctxt);
                    case "idempotency_key" -> idempotencyKey = text(p, ctxt);
                    case "request_hash" -> requestHash = text(p, ctxt);
                    case "process" -> taskProcess = p.currentToken() == JsonToken.VALUE_NULL ? null
                            : (AttemptProcess) process.deserialize(p, ctxt);
                    default -> p.skipChildren();
                }
            } catch (JacksonException e) {
                // as the reflective reader does (WRAP_EXCEPTIONS): a field's failure names the field
                throw JsonMappingException.wrapWithPath(e, Task.class, field);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            return (Task) ctxt.handleUnexpectedToken(Task.class, p);
        }
        try {
            return new Task(id, name, command, args, dependencies, taskStatus, createdAt, startedAt, completedAt, output,
                    error, priority, attempts, maxAttempts, nextAttemptAt, timeoutSeconds, taskProgress, exitCode,
                    workflow, infra, updatedAt, sequence, waitingFor, locks, continueOnDependencyFailure, history,
                    idempotencyKey, requestHash, taskProcess);
        } catch (RuntimeException e) {
            throw ctxt.instantiationException(Task.class, e);
        }
    }

    private String text(JsonParser p, DeserializationContext ctxt) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> (String) text.deserialize(p, ctxt);
        };
    }

    private int primitiveInt(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        return p.currentToken() == JsonToken.VALUE_NULL ? 0 : (Integer) primitiveInt.deserialize(p, ctxt);
    }

    private boolean primitiveBoolean(JsonParser p, DeserializationContext ctxt) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> (Boolean) primitiveBoolean.deserialize(p, ctxt);
        };
    }

    private Integer integer(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        return p.currentToken() == JsonToken.VALUE_NULL ? null : (Integer) integer.deserialize(p, ctxt);
    }

    private Instant instant(JsonParser p, DeserializationContext ctxt) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : (Instant) instant.deserialize(p, ctxt);
    }

    private TaskStatus status(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            TaskStatus named = switch (p.getText()) {
                case "Pending" -> TaskStatus.Pending;
                case "Running" -> TaskStatus.Running;
                case "Completed" -> TaskStatus.Completed;
                case "Failed" -> TaskStatus.Failed;
                case "Cancelled" -> TaskStatus.Cancelled;
                default -> null;
            };
            if (named != null) {
                return named;
            }
        }
        return (TaskStatus) status.deserialize(p, ctxt);
    }

    /** An array of strings read here; anything else (a null element, a number, not an array) as Jackson reads it. */
    @SuppressWarnings("unchecked")
    private List<String> strings(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            return (List<String>) strings.deserialize(p, ctxt);
        }
        List<String> values = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            values.add(token == JsonToken.VALUE_STRING ? p.getText() : text(p, ctxt));
        }
        return values;
    }

    /** The product's shape ({@code percent} and {@code message}) read here; anything else as Jackson reads a Progress. */
    private Progress progress(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return (Progress) progress.deserialize(p, ctxt);
        }
        // the fields of a Progress fail as the reflective reader's do: named
        try {
            return progressFields(p, ctxt);
        } catch (JacksonException e) {
            throw e instanceof JsonMappingException mapping ? mapping : JsonMappingException.wrapWithPath(e, Progress.class, p.currentName());
        }
    }

    private Progress progressFields(JsonParser p, DeserializationContext ctxt) throws IOException {
        int percent = 0;
        String message = null;
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "percent" -> percent = primitiveInt(p, ctxt);
                case "message" -> message = text(p, ctxt);
                default -> p.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT) {
            return (Progress) ctxt.handleUnexpectedToken(Progress.class, p);
        }
        return new Progress(percent, message);
    }

    @SuppressWarnings("unchecked")
    private List<AttemptRecord> records(JsonParser p, DeserializationContext ctxt) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : (List<AttemptRecord>) records.deserialize(p, ctxt);
    }
}
