package io.provisioning.orchestrator.storage.filesystem;

/**
 * Where an {@link IndexEntry} sorts: by sequence, then id (a store may hold two tasks with one
 * sequence, e.g. written through the SPI). A null id sorts after every id of its sequence, as a bound.
 */
record EntryKey(long sequence, String id) implements Comparable<EntryKey> {
    /** Above every key of {@code sequence}. */
    static EntryKey after(long sequence) {
        return new EntryKey(sequence, null);
    }

    @Override
    public int compareTo(EntryKey other) {
        int bySequence = Long.compare(sequence, other.sequence);
        if (bySequence != 0) {
            return bySequence;
        }
        if (id == null || other.id == null) {
            return id == null ? (other.id == null ? 0 : 1) : -1;
        }
        return id.compareTo(other.id);
    }
}
