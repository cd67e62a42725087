package io.provisioning.orchestrator.storage.filesystem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Several sorted runs of index entries merged into one, one entry per key: where runs hold
 * the same key, the first run (the newest) wins.
 */
final class MergedEntries implements Iterator<IndexEntry> {
    private final List<Iterator<IndexEntry>> runs;
    private final IndexEntry[] heads;
    private final boolean ascending;

    MergedEntries(List<Iterator<IndexEntry>> runs, boolean ascending) {
        this.runs = new ArrayList<>(runs);
        this.heads = new IndexEntry[runs.size()];
        this.ascending = ascending;
        for (int i = 0; i < heads.length; i++) {
            heads[i] = runs.get(i).hasNext() ? runs.get(i).next() : null;
        }
    }

    @Override
    public boolean hasNext() {
        for (IndexEntry head : heads) {
            if (head != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public IndexEntry next() {
        int best = -1;
        for (int i = 0; i < heads.length; i++) {
            if (heads[i] != null && (best < 0 || before(heads[i].key(), heads[best].key()))) {
                best = i; // strict: on a tie the earlier run stays best
            }
        }
        if (best < 0) {
            throw new NoSuchElementException();
        }
        IndexEntry winner = heads[best];
        EntryKey key = winner.key();
        for (int i = 0; i < heads.length; i++) {
            if (heads[i] != null && heads[i].key().equals(key)) {
                heads[i] = runs.get(i).hasNext() ? runs.get(i).next() : null;
            }
        }
        return winner;
    }

    private boolean before(EntryKey a, EntryKey b) {
        int order = a.compareTo(b);
        return ascending ? order < 0 : order > 0;
    }
}
