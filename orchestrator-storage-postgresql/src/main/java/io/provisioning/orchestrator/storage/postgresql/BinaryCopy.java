package io.provisioning.orchestrator.storage.postgresql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows sent with {@code COPY ... FROM STDIN (FORMAT binary)}: the PostgreSQL binary copy format
 * (a signature, then per row a field count and each field as length + bytes, big-endian; text is
 * its UTF-8 bytes, so the task JSON goes as the bytes it was serialized to). Rows are gathered in
 * a buffer of {@value #CHUNK} bytes that is handed to the server whenever it fills, so memory stays
 * bounded whatever the batch. {@link #finish} ends the copy and answers the rows the server took;
 * a failure (a duplicate key) is thrown from there or from a {@code field}, and the copy is cancelled.
 */
final class BinaryCopy implements AutoCloseable {
    private static final int CHUNK = 1 << 16;
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
            0, 0, 0, 0, // flags
            0, 0, 0, 0}; // header extension length

    private final CopyIn copy;
    private final byte[] buffer = new byte[CHUNK];
    private int used;

    private BinaryCopy(CopyIn copy) {
        this.copy = copy;
    }

    /** Starts {@code COPY table (columns) FROM STDIN (FORMAT binary)}; {@code columns} is a fixed list of this module. */
    static BinaryCopy start(Connection c, String table, String columns) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)");
        BinaryCopy rows = new BinaryCopy(copy);
        rows.put(HEADER, 0, HEADER.length);
        return rows;
    }

    BinaryCopy row(int fields) throws SQLException {
        return int16(fields);
    }

    BinaryCopy text(String value) throws SQLException {
        return value == null ? nullField() : bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A text field of these UTF-8 bytes, as they are. */
    BinaryCopy bytes(byte[] utf8) throws SQLException {
        int32(utf8.length);
        put(utf8, 0, utf8.length);
        return this;
    }

    BinaryCopy int4(int value) throws SQLException {
        int32(4);
        return int32(value);
    }

    BinaryCopy int8(long value) throws SQLException {
        int32(8);
        int32((int) (value >>> 32));
        return int32((int) value);
    }

    BinaryCopy nullField() throws SQLException {
        return int32(-1);
    }

    /** Ends the copy; returns how many rows the server stored. */
    long finish() throws SQLException {
        int16(-1);
        flush();
        return copy.endCopy();
    }

    /** Cancels a copy that did not finish (a failure on the way), so the connection can roll back. */
    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
    }

    private BinaryCopy int16(int value) throws SQLException {
        ensure(2);
        buffer[used++] = (byte) (value >>> 8);
        buffer[used++] = (byte) value;
        return this;
    }

    private BinaryCopy int32(int value) throws SQLException {
        ensure(4);
        buffer[used++] = (byte) (value >>> 24);
        buffer[used++] = (byte) (value >>> 16);
        buffer[used++] = (byte) (value >>> 8);
        buffer[used++] = (byte) value;
        return this;
    }

    private void put(byte[] bytes, int offset, int length) throws SQLException {
        while (length > 0) {
            ensure(1);
            int n = Math.min(length, CHUNK - used);
            System.arraycopy(bytes, offset, buffer, used, n);
            used += n;
            offset += n;
            length -= n;
        }
    }

    private void ensure(int bytes) throws SQLException {
        if (CHUNK - used < bytes) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (used > 0) {
            copy.writeToCopy(buffer, 0, used);
            used = 0;
        }
    }
}
