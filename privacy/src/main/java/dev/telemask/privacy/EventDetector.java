package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One device's events (geofence enter/exit, ignition on/off, overspeed), computed from its <em>decided</em> records
 * in device-time order and nothing else: a sealed record gives nothing until it is decided, and an event never
 * carries more than the record it came from.
 *
 * <p>A private record (private trip, privacy zone) gives no event and makes the device's whereabouts unknown: the
 * geofences it was in and its ignition are forgotten. The first public record after that (or ever) says only what it
 * shows itself: an enter event for each geofence it lies in, ignition on when its ignition is on; never an exit, which
 * would tell where the private stretch went. A record without coordinates (no location consent) likewise forgets the
 * geofences. A coarsened record is judged at its stored (cell) position and gives no overspeed (its speed is gone).
 * A record no later than the last one judged gives nothing: events follow device time, not arrival.
 *
 * <p>Like the ledger, it works on a copy of the state per frame: {@link #committed()} takes it up once the frame's
 * transaction committed, {@link #rolledBack()} drops it. Its state is saved with the records ({@link #savedState()})
 * so that a device reconnecting to another instance carries on. Owned by one connection: not thread-safe.
 */
public final class EventDetector {
    private static final byte FORMAT = 1;
    private static final int IGNITION_UNKNOWN = -1;
    /** In no geofence; shared, as a geofence set is never changed in place. */
    private static final long[] NO_GEOFENCES = new long[0];

    private final State state = new State();
    private final State working = new State();
    private final List<DeviceEvent> events = new ArrayList<>();
    private int[] order = new int[16];

    /** What the detector knows of a device between frames. */
    private static final class State {
        long lastTimeMillis = Long.MIN_VALUE;
        /** False after a private or unlocated record (and at first): the geofences it is in are unknown. */
        boolean located;
        long[] inside = NO_GEOFENCES;
        int ignition = IGNITION_UNKNOWN;
        boolean overspeeding;

        void copyFrom(State other) {
            lastTimeMillis = other.lastTimeMillis;
            located = other.located;
            inside = other.inside;
            ignition = other.ignition;
            overspeeding = other.overspeeding;
        }
    }

    /** Starts from a saved state (null or unreadable: nothing known). */
    public void restore(byte[] saved) {
        State fresh = new State();
        if (saved != null && saved.length >= 15 && saved[0] == FORMAT) {
            ByteBuffer in = ByteBuffer.wrap(saved);
            in.get();
            fresh.lastTimeMillis = in.getLong();
            byte flags = in.get();
            fresh.located = (flags & 1) != 0;
            fresh.overspeeding = (flags & 2) != 0;
            fresh.ignition = in.get();
            int n = in.getInt();
            if (n >= 0 && in.remaining() == n * 8L) {
                fresh.inside = new long[n];
                for (int i = 0; i < n; i++) {
                    fresh.inside[i] = in.getLong();
                }
            } else {
                fresh = new State();
            }
        }
        state.copyFrom(fresh);
        working.copyFrom(fresh);
    }

    /**
     * Computes the events of the decided records among {@code records} (treatment codes in {@code treatments}, same
     * index; sealed and dropped ones are skipped). Returns them, valid until the next call.
     *
     * @param overspeedKmh the policy's overspeed threshold, 0 for none
     */
    public List<DeviceEvent> detect(AvlBatch records, byte[] treatments, List<Geofence> geofences, int overspeedKmh) {
        working.copyFrom(state);
        events.clear();
        int n = 0;
        if (order.length < records.size()) {
            order = new int[Math.max(records.size(), order.length * 2)];
        }
        for (int r = 0, size = records.size(); r < size; r++) {
            byte t = treatments[r];
            // A dropped record is a private one not stored: it tells nothing, and it ends what was known.
            if (t != Treatment.SEALED.code()) {
                order[n++] = r;
            }
        }
        // Insertion sort by device time: a frame is short and nearly always in order (or exactly reversed, once).
        for (int i = 1; i < n; i++) {
            int r = order[i];
            int j = i - 1;
            while (j >= 0 && records.timestamp(order[j]) > records.timestamp(r)) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = r;
        }
        for (int i = 0; i < n; i++) {
            int r = order[i];
            long time = records.timestamp(r);
            if (time <= working.lastTimeMillis) {
                continue;
            }
            Treatment treatment = Treatment.ofCode(treatments[r]);
            // The saved state is stored in clear: a record that is not stored (hidden by a zone, dropped) must
            // leave no time there. A later one can still not be judged twice: it is late, so private or unstored.
            if (treatment != Treatment.ZONE && treatment != Treatment.DROPPED) {
                working.lastTimeMillis = time;
            }
            judge(records, r, treatment, geofences, overspeedKmh);
        }
        return events;
    }

    private void judge(AvlBatch records, int r, Treatment treatment, List<Geofence> geofences, int overspeedKmh) {
        if (treatment == Treatment.PRIVATE || treatment == Treatment.ZONE || treatment == Treatment.DROPPED) {
            working.located = false;
            working.inside = NO_GEOFENCES;
            working.ignition = IGNITION_UNKNOWN;
            working.overspeeding = false;
            return;
        }
        boolean hasLocation = !records.isLocationCleared(r);
        if (hasLocation) {
            long[] now = insideOf(geofences, records.latitude(r), records.longitude(r));
            for (long id : now) {
                if (!working.located || !containsId(working.inside, id)) {
                    add(EventKind.GEOFENCE_ENTER, records, r, id, null, treatment);
                }
            }
            if (working.located) {
                for (long id : working.inside) {
                    if (!containsId(now, id) && exists(geofences, id)) {
                        add(EventKind.GEOFENCE_EXIT, records, r, id, null, treatment);
                    }
                }
            }
            working.inside = now;
            working.located = true;
        } else {
            working.located = false;
            working.inside = NO_GEOFENCES;
        }
        int e = records.findIo(r, TeltonikaIo.IGNITION);
        if (e >= 0) {
            int ignition = records.ioValue(e) != 0 ? 1 : 0;
            if (ignition != working.ignition && (working.ignition != IGNITION_UNKNOWN || ignition == 1)) {
                add(ignition == 1 ? EventKind.IGNITION_ON : EventKind.IGNITION_OFF, records, r, 0, null, treatment);
            }
            working.ignition = ignition;
        }
        // Only an exact record still has its speed: a coarsened one's was removed with its heading.
        if (overspeedKmh > 0 && treatment == Treatment.EXACT && hasLocation) {
            int speed = records.speed(r);
            if (speed > overspeedKmh && !working.overspeeding) {
                add(EventKind.OVERSPEED, records, r, 0, speed, treatment);
            }
            working.overspeeding = speed > overspeedKmh;
        } else {
            working.overspeeding = false;
        }
    }

    /** An event of record {@code r}; its position boxed only now, as most records make no event. */
    private void add(EventKind kind, AvlBatch records, int r, long geofenceId, Integer speedKmh, Treatment treatment) {
        boolean located = !records.isLocationCleared(r);
        events.add(new DeviceEvent(kind, records.timestamp(r), records.eventIo(r), geofenceId,
                located ? Integer.valueOf(records.latitude(r)) : null,
                located ? Integer.valueOf(records.longitude(r)) : null, speedKmh, treatment));
    }

    private static long[] insideOf(List<Geofence> geofences, int latitudeE7, int longitudeE7) {
        if (geofences.isEmpty()) {
            return NO_GEOFENCES;
        }
        long[] ids = new long[geofences.size()];
        int n = 0;
        for (Geofence fence : geofences) {
            if (fence.contains(latitudeE7, longitudeE7)) {
                ids[n++] = fence.id();
            }
        }
        if (n == 0) {
            return NO_GEOFENCES;
        }
        long[] inside = Arrays.copyOf(ids, n);
        Arrays.sort(inside);
        return inside;
    }

    private static boolean containsId(long[] sorted, long id) {
        return Arrays.binarySearch(sorted, id) >= 0;
    }

    private static boolean exists(List<Geofence> geofences, long id) {
        for (Geofence fence : geofences) {
            if (fence.id() == id) {
                return true;
            }
        }
        return false;
    }

    /** The state after the last {@link #detect}, to save with its records. */
    public byte[] savedState() {
        ByteBuffer out = ByteBuffer.allocate(15 + 8 * working.inside.length);
        out.put(FORMAT).putLong(working.lastTimeMillis)
                .put((byte) ((working.located ? 1 : 0) | (working.overspeeding ? 2 : 0)))
                .put((byte) working.ignition).putInt(working.inside.length);
        for (long id : working.inside) {
            out.putLong(id);
        }
        return out.array();
    }

    /** The frame's records are stored: the state {@link #detect} worked out is now the device's. */
    public void committed() {
        state.copyFrom(working);
    }

    /** The frame was not stored: forget what {@link #detect} worked out. */
    public void rolledBack() {
        working.copyFrom(state);
    }
}
