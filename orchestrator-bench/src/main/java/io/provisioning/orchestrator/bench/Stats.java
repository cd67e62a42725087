package io.provisioning.orchestrator.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles, nearest-rank, nothing clever. */
final class Stats {
    private Stats() {}

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The p-th percentile (0 < p <= 100) of the values, nearest rank. */
    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The largest value, 0 for none. */
    static long max(long[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
