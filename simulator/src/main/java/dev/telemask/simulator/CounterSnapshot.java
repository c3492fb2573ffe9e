package dev.telemask.simulator;

/** The fleet's counters at one moment, with ACK latencies since the previous snapshot and since the start. */
record CounterSnapshot(long nanoTime, int connected, int peakConnected, long framesSent, long recordsSent,
                       long framesAcked, long recordsAcked, long rejects, long timeouts, long framesResent,
                       long recordsResent, long reconnects, long connectFailures, long wrongAckCounts,
                       LatencySummary intervalLatency, LatencySummary totalLatency) {

    /** Records acknowledged per second between {@code earlier} and this snapshot. */
    double ackedPerSecondSince(CounterSnapshot earlier) {
        long nanos = nanoTime - earlier.nanoTime;
        return nanos <= 0 ? 0 : (recordsAcked - earlier.recordsAcked) * 1e9 / nanos;
    }
}
