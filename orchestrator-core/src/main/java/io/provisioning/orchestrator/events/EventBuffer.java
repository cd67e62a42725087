package io.provisioning.orchestrator.events;

import java.util.ArrayDeque;

/**
 * The events waiting for one live reader, bounded in count and in bytes. Offering never blocks:
 * when the reader has fallen so far behind that the next event does not fit, the buffer
 * overflows once and for all (it is emptied, and takes nothing more), so a slow reader costs the
 * publisher and the other readers nothing; that reader's stream ends and it resumes with its last id.
 */
public final class EventBuffer {
    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<RecordedEvent> events = new ArrayDeque<>();
    private long bytes;
    private boolean overflowed;

    public EventBuffer(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** False when the event does not fit (the buffer has overflowed: the first false is the moment). */
    public synchronized boolean offer(RecordedEvent event) {
        if (overflowed) {
            return false;
        }
        long weight = event.weight();
        if (events.size() >= maxEvents || (bytes + weight > maxBytes && !events.isEmpty())) {
            overflowed = true;
            events.clear();
            bytes = 0;
            notifyAll();
            return false;
        }
        events.addLast(event);
        bytes += weight;
        notifyAll();
        return true;
    }

    /** The oldest event, waiting up to {@code millis}; null on time-out or once overflowed. */
    public synchronized RecordedEvent poll(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (events.isEmpty() && !overflowed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        if (overflowed) {
            return null;
        }
        RecordedEvent event = events.removeFirst();
        bytes -= event.weight();
        return event;
    }

    /** Drops the events at the head whose id (as {@code idOf} gives it) is not above {@code last}. */
    public synchronized void dropUpTo(long last, java.util.function.ToLongFunction<RecordedEvent> idOf) {
        while (!events.isEmpty() && idOf.applyAsLong(events.peekFirst()) <= last) {
            bytes -= events.removeFirst().weight();
        }
    }

    public synchronized boolean isEmpty() {
        return events.isEmpty();
    }

    public synchronized boolean overflowed() {
        return overflowed;
    }

    public synchronized int size() {
        return events.size();
    }
}
