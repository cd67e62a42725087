package io.provisioning.orchestrator.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.provisioning.orchestrator.task.Task;
import java.time.Instant;

/** The one JSON configuration of the product: snake_case fields, ISO-8601 UTC instants. */
public final class Json {
    private static final ObjectMapper MAPPER = reflective()
            // a task field by field: the same bytes, and the same values read, as the reflective bean (de)serializer
            .addModule(new SimpleModule("task-json").addSerializer(Task.class, new TaskSerializer())
                    .addDeserializer(Task.class, new TaskDeserializer()))
            .build();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The product's settings with Jackson's own (reflective) serializers for its records: what {@link #mapper} is held to. */
    static JsonMapper.Builder reflective() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                // after JavaTimeModule, so these win: the same instant texts without DateTimeFormatter
                .addModule(new SimpleModule("iso-instants")
                        .addSerializer(Instant.class, new IsoInstantSerializer())
                        .addDeserializer(Instant.class, new IsoInstantDeserializer()))
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }
}
