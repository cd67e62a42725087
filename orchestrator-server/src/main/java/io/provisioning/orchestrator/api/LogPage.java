package io.provisioning.orchestrator.api;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.workflow.Printable;
import java.util.function.Function;

/**
 * Which log lines {@code GET /tasks/{id}/logs} answers with: those after the event id {@code after}
 * (0: from the start), at most {@code limit} of them from there, or with {@code tail} the last that
 * many. Without any parameter: every line (the per-task byte cap bounds them).
 */
record LogPage(long after, int tail, int limit) {
    static final int MAX_LINES = 100_000;
    static final int DEFAULT_PAGE = 1_000;

    static LogPage of(Function<String, String> query) {
        long after = number(query, "after", Long.MAX_VALUE, 0);
        int tail = (int) number(query, "tail", MAX_LINES, 0);
        boolean paging = query.apply("after") != null || query.apply("limit") != null;
        int limit = (int) number(query, "limit", MAX_LINES, paging ? DEFAULT_PAGE : Integer.MAX_VALUE);
        return new LogPage(after, tail, limit);
    }

    private static long number(Function<String, String> query, String name, long max, long otherwise) {
        String text = query.apply(name);
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new InvalidRequestException("'" + name + "' must be a whole number from 0 to " + max + ", not "
                + Printable.quote(text));
    }
}
