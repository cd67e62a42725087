package io.provisioning.orchestrator.cli.client;

import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a {@code text/event-stream} as it arrives (the W3C rules: {@code event:} and {@code data:}
 * fields, a blank line ends an event, {@code :} starts a comment).
 */
public final class EventStream implements AutoCloseable {
    private final Stream<String> lines;
    private final Iterator<String> iterator;

    EventStream(Stream<String> lines) {
        this.lines = lines;
        this.iterator = lines.iterator();
    }

    /** The next event; empty when the server ended the stream. */
    public Optional<ServerEvent> next() {
        String name = null;
        String id = null;
        StringBuilder data = null;
        try {
            while (iterator.hasNext()) {
                String line = iterator.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        return Optional.of(new ServerEvent(name == null ? "message" : name, data.toString(), id));
                    }
                    name = null;
                    id = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (field.equals("event")) {
                    name = value;
                } else if (field.equals("id")) {
                    id = value;
                } else if (field.equals("data")) {
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
        } catch (UncheckedIOException e) {
            // the connection dropped; to the caller that is the end of the stream
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        lines.close();
    }
}
