package io.provisioning.orchestrator.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;

/**
 * Writes an instant as {@link Instant#toString()}, which is by its contract the text of
 * {@code DateTimeFormatter.ISO_INSTANT} that JavaTimeModule's serializer writes (the product
 * disables timestamps), without that formatter's per-call print context: the same bytes, cheaper.
 * Every canonical JSON (a task's content hash, a stored task) holds several instants.
 */
final class IsoInstantSerializer extends StdSerializer<Instant> {
    IsoInstantSerializer() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
        generator.writeString(value.toString());
    }
}
