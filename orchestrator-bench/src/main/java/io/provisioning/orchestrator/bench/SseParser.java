package io.provisioning.orchestrator.bench;

/**
 * Turns the lines of a {@code text/event-stream} into events, as the HTML spec's parser does for
 * the fields a client of {@code GET /events} needs: {@code id}, {@code event}, {@code data} (lines
 * joined with a newline); comments ({@code :...}) and unknown fields are skipped; a blank line ends
 * an event. The id carries over to later events that name none, as the spec's last event id does.
 */
final class SseParser {
    /** One event; {@code type} is {@code message} when the stream named none. */
    record Event(String id, String type, String data) {}

    private String lastId;
    private String type;
    private StringBuilder data;

    /** Feeds one line without its line break; returns the event a blank line completes, else null. */
    Event line(String line) {
        if (line.isEmpty()) {
            if (data == null) { // no data: per the spec, nothing is dispatched
                type = null;
                return null;
            }
            Event event = new Event(lastId, type == null ? "message" : type, data.toString());
            type = null;
            data = null;
            return event;
        }
        if (line.charAt(0) == ':') {
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastId = value;
                }
            }
            case "event" -> type = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> { } // retry and unknown fields: not needed here
        }
        return null;
    }
}
