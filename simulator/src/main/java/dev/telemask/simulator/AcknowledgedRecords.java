package dev.telemask.simulator;

import dev.telemask.codec.AvlBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects the timestamps of every acknowledged record per device, so a test can compare them with what the gateway
 * stored: each one there exactly once. A device's records are unique by timestamp. Thread-safe.
 */
public final class AcknowledgedRecords implements SimulationListener {
    private final Map<Long, List<Long>> timestampsByImei = new ConcurrentHashMap<>();

    @Override
    public void frameAcknowledged(long imei, AvlBatch records) {
        List<Long> timestamps = timestampsByImei.computeIfAbsent(imei, key -> new ArrayList<>());
        synchronized (timestamps) {
            for (int r = 0; r < records.size(); r++) {
                timestamps.add(records.timestamp(r));
            }
        }
    }

    /** The devices that had at least one frame acknowledged. */
    public Set<Long> imeis() {
        return new TreeSet<>(timestampsByImei.keySet());
    }

    /** The device's acknowledged record timestamps, in the order they were acknowledged. */
    public List<Long> timestamps(long imei) {
        List<Long> timestamps = timestampsByImei.getOrDefault(imei, List.of());
        synchronized (timestamps) {
            return List.copyOf(timestamps);
        }
    }

    /** Records acknowledged across the fleet. */
    public long total() {
        return timestampsByImei.keySet().stream().mapToLong(imei -> timestamps(imei).size()).sum();
    }
}
