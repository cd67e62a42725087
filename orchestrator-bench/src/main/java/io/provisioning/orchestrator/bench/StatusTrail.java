package io.provisioning.orchestrator.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task events one observer saw, per task, in the order it saw them: each one's status and
 * when it was seen (System.nanoTime). Kept by the engine-side reference and by every SSE
 * subscriber of {@code bin/bench sse}, then {@linkplain #compare compared}.
 */
final class StatusTrail {
    private record Seen(String status, long nanos) {}

    /**
     * How a subscriber's trail matches the reference: {@code matched} events were seen in order,
     * {@code missing} were not (or not in order), {@code extra} were seen that the reference does not
     * have at that place (duplicates, reordered or unknown); {@code lagMicros} is, per matched event,
     * how long after the reference the subscriber saw it.
     */
    record Comparison(long matched, long missing, long extra, long[] lagMicros) {}

    private final Map<String, List<Seen>> byTask = new HashMap<>();
    private long events;
    private int terminal;

    /** Notes one event; returns how many terminal statuses (Completed, Failed, Cancelled) have been seen so far. */
    synchronized int add(String taskId, String status, long nanos) {
        byTask.computeIfAbsent(taskId, id -> new ArrayList<>(4)).add(new Seen(status, nanos));
        events++;
        if (status.equals("Completed") || status.equals("Failed") || status.equals("Cancelled")) {
            terminal++;
        }
        return terminal;
    }

    synchronized long events() {
        return events;
    }

    synchronized int tasks() {
        return byTask.size();
    }

    /**
     * Per task, walks the reference's statuses in order and takes each one the subscriber has next;
     * whatever the subscriber has beyond that is extra.
     */
    static Comparison compare(StatusTrail reference, StatusTrail subscriber) {
        long matched = 0;
        long missing = 0;
        long extra = 0;
        List<Long> lags = new ArrayList<>();
        synchronized (reference) {
            synchronized (subscriber) {
                for (Map.Entry<String, List<Seen>> entry : reference.byTask.entrySet()) {
                    List<Seen> expected = entry.getValue();
                    List<Seen> got = subscriber.byTask.getOrDefault(entry.getKey(), List.of());
                    int g = 0;
                    for (Seen want : expected) {
                        int at = g;
                        while (at < got.size() && !got.get(at).status().equals(want.status())) {
                            at++;
                        }
                        if (at < got.size()) {
                            extra += at - g;
                            lags.add((got.get(at).nanos() - want.nanos()) / 1_000);
                            matched++;
                            g = at + 1;
                        } else {
                            missing++;
                        }
                    }
                    extra += got.size() - g;
                }
                for (Map.Entry<String, List<Seen>> entry : subscriber.byTask.entrySet()) {
                    if (!reference.byTask.containsKey(entry.getKey())) {
                        extra += entry.getValue().size();
                    }
                }
            }
        }
        return new Comparison(matched, missing, extra, lags.stream().mapToLong(Long::longValue).toArray());
    }
}
