package io.provisioning.orchestrator.execution;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines (ended by \n, \r\n or \r) like {@link java.io.BufferedReader#readLine}, but never
 * holds more than {@code maxChars} of one line: the rest of a longer line is read and thrown away,
 * and the line ends with a marker saying how much was cut. So a script printing one endless line
 * costs the orchestrator a bounded amount of memory.
 */
public final class BoundedLineReader {
    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean skipLf;

    public BoundedLineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line without its end, cut with a marker when longer than the limit; null at the end. */
    public String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        long cut = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? withMarker(line, cut) : null;
                }
            }
            char c = buffer[position++];
            if (skipLf) {
                skipLf = false;
                if (c == '\n') {
                    continue;
                }
            }
            any = true;
            if (c == '\n') {
                return withMarker(line, cut);
            }
            if (c == '\r') {
                skipLf = true;
                return withMarker(line, cut);
            }
            if (line.length() < maxChars) {
                line.append(c);
            } else {
                cut++;
            }
        }
    }

    private String withMarker(StringBuilder line, long cut) {
        if (cut > 0) {
            line.append(" [line cut: ").append(cut).append(" more characters over the limit of ").append(maxChars)
                    .append(']');
        }
        return line.toString();
    }
}
