package io.provisioning.orchestrator.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The product's mapper writes instants byte for byte as JavaTimeModule does, and reads any text as it does. */
class IsoInstantsTest {
    private static final ObjectMapper STANDARD = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @Test
    void every_instant_the_product_writes_reads_back_to_itself() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = randomInstant(random, i);
            String json = Json.mapper().writeValueAsString(instant);
            assertThat(json).isEqualTo(STANDARD.writeValueAsString(instant));
            assertThat(Json.mapper().readValue(json, Instant.class)).as(json).isEqualTo(instant);
            assertThat(IsoInstantDeserializer.parse(instant.toString())).as(json).isEqualTo(instant);
        }
    }

    @Test
    void instants_beyond_four_digit_years_are_written_as_the_standard_serializer_writes_them() throws Exception {
        for (Instant instant : List.of(Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59.999Z"), Instant.ofEpochSecond(0, 1))) {
            String json = Json.mapper().writeValueAsString(instant);
            assertThat(json).isEqualTo(STANDARD.writeValueAsString(instant));
            assertThat(Json.mapper().readValue(json, Instant.class)).isEqualTo(instant);
        }
    }

    @Test
    void other_texts_read_as_the_standard_deserializer_reads_them() throws Exception {
        List<String> accepted = List.of("\"2026-01-01T00:00:00Z\"", "\"2026-01-01T00:00:00.5Z\"",
                "\"2026-12-31T23:59:59.123456789Z\"", "\"2024-02-29T12:00:00.1234Z\"", "\"2026-01-01t00:00:00z\"",
                "\" 2026-01-01T00:00:00Z \"", "\"2026-06-30T23:59:60Z\"", "\"+12026-01-01T00:00:00Z\"",
                "\"-0001-01-01T00:00:00Z\"", "1767225600", "1767225600.5", "null");
        for (String json : accepted) {
            assertThat(Json.mapper().readValue(json, Instant.class)).as(json)
                    .isEqualTo(STANDARD.readValue(json, Instant.class));
        }
        assertThat(IsoInstantDeserializer.parse("2026-01-01t00:00:00z")).isNull();
        assertThat(IsoInstantDeserializer.parse("2026-06-30T23:59:60Z")).isNull();
        // not the product's shape: left to the standard deserializer, which accepts some (24:00:00 is the next day)
        List<String> others = List.of("\"2026-02-30T00:00:00Z\"", "\"2026-13-01T00:00:00Z\"", "\"2026-01-01T24:00:00Z\"",
                "\"2026-01-01T00:00:00.Z\"", "\"2026-01-01T00:00:00.1234567890Z\"", "\"2026-01-01 00:00:00Z\"",
                "\"2026-01-01T00:00:0xZ\"", "\"yesterday\"");
        for (String json : others) {
            assertThat(IsoInstantDeserializer.parse(json.substring(1, json.length() - 1))).as(json).isNull();
            assertThat(outcome(Json.mapper(), json)).as(json).isEqualTo(outcome(STANDARD, json));
        }
        assertThat(outcome(Json.mapper(), "\"2026-02-30T00:00:00Z\"")).startsWith("refused");
    }

    /** The instant read, or "refused" with the exception's class. */
    private static String outcome(ObjectMapper mapper, String json) {
        try {
            return String.valueOf(mapper.readValue(json, Instant.class));
        } catch (Exception e) {
            return "refused " + e.getClass().getName();
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

    /** Year 0000 to 9999, any nanosecond: every shape Instant.toString gives (0, 3, 6 or 9 digits), by {@code i % 4}. */
    static Instant randomInstant(SplittableRandom random, int i) {
        long second = random.nextLong(-62_167_219_200L, 253_402_300_800L);
        int nanos = switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nanos);
    }

}
