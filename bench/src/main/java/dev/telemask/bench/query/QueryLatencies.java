package dev.telemask.bench.query;

import java.util.Arrays;

/** The measured latencies and row counts of one case's queries, with the percentiles reported. */
final class QueryLatencies {
    private final long[] nanos;
    private final long[] rows;
    private int count;

    QueryLatencies(int queries) {
        nanos = new long[queries];
        rows = new long[queries];
    }

    void record(long elapsedNanos, long rowCount) {
        nanos[count] = elapsedNanos;
        rows[count] = rowCount;
        count++;
    }

    /** Nearest-rank percentile in milliseconds. */
    double percentileMillis(double percentile) {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100 * count);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    double maxMillis() {
        return percentileMillis(100);
    }

    long minRows() {
        return Arrays.stream(rows, 0, count).min().orElse(0);
    }

    long maxRows() {
        return Arrays.stream(rows, 0, count).max().orElse(0);
    }

    double meanRows() {
        return Arrays.stream(rows, 0, count).average().orElse(0);
    }

    /** Rows streamed per second over the whole case. */
    double rowsPerSecond() {
        return Arrays.stream(rows, 0, count).sum() * 1e9 / Arrays.stream(nanos, 0, count).sum();
    }

    int count() {
        return count;
    }
}
