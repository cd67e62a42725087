package io.provisioning.orchestrator.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;

/**
 * Writes an instant as {@link Instant#toString()} does, which is by its contract the text of
 * {@code DateTimeFormatter.ISO_INSTANT} that JavaTimeModule's serializer writes (the product
 * disables timestamps): {@code yyyy-MM-ddTHH:mm:ss[.fff[fff[fff]]]Z}. Years 0000 to 9999 are put
 * together here by arithmetic (on JDK 25 {@code toString} itself goes through a formatter's print
 * context, a fifth of a task's serialization); any other year goes to {@code toString}. Every
 * canonical JSON (a task's content hash, a stored task) holds several instants.
 */
final class IsoInstantSerializer extends StdSerializer<Instant> {
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in epoch seconds. */
    private static final long FIRST = -62_167_219_200L;
    private static final long BEYOND = 253_402_300_800L;

    IsoInstantSerializer() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
        writeTo(generator, value, new char[30]);
    }

    /** Writes {@code value} (not null) as a JSON string, using {@code scratch} (30 chars) for its text. */
    static void writeTo(JsonGenerator generator, Instant value, char[] scratch) throws IOException {
        int length = write(value, scratch);
        if (length < 0) {
            generator.writeString(value.toString());
        } else {
            generator.writeString(scratch, 0, length);
        }
    }

    /** The text of {@code instant} into {@code out} (30 chars at least); its length, or -1 for a year beyond 0000-9999. */
    static int write(Instant instant, char[] out) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST || seconds >= BEYOND) {
            return -1;
        }
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted)
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long dayOfEra = z - era * 146_097L;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3_600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int at = 19;
        int nano = instant.getNano();
        if (nano > 0) {
            out[at++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(out, at, nano / 1_000_000, 3);
                at += 3;
            } else if (nano % 1_000 == 0) {
                digits(out, at, nano / 1_000, 6);
                at += 6;
            } else {
                digits(out, at, nano, 9);
                at += 9;
            }
        }
        out[at++] = 'Z';
        return at;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
