package dev.telemask.storage.query;

import dev.telemask.privacy.TeltonikaIo;
import dev.telemask.privacy.Treatment;
import dev.telemask.privacy.TripRule;

import java.io.IOException;
import java.util.Objects;

/**
 * Cuts a stored track, fed in time order, into trips by the privacy engine's own {@link TripRule}. Holds one trip
 * at a time, so a year of records takes constant memory.
 */
public final class TripSegmenter {
    /** Teltonika's total odometer, metres. */
    static final int TOTAL_ODOMETER = 16;
    private static final double EARTH_RADIUS_METRES = 6_371_008.8;

    private final RowSink<Trip> sink;
    private byte ignition = TripRule.UNKNOWN;
    private byte movement = TripRule.UNKNOWN;
    /** The track has shown ignition on: only then is its ignition 0 read as off ({@link TripRule#ignitionState}). */
    private boolean ignitionSeenOn;
    private Open open;

    public TripSegmenter(RowSink<Trip> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Takes the next record of the track. */
    public void accept(StoredPosition position) throws IOException {
        Long ign = position.ioValue(TeltonikaIo.IGNITION);
        Long mov = position.ioValue(TeltonikaIo.MOVEMENT);
        if (ign != null) {
            ignition = TripRule.ignitionState(ign, ignitionSeenOn);
            ignitionSeenOn |= ignition == 1;
        }
        if (mov != null) {
            movement = TripRule.state(mov);
        }
        boolean driving = TripRule.driving(ignition, movement);
        if (driving) {
            if (open == null) {
                open = new Open(position);
            } else {
                open.add(position);
            }
        } else if (open != null) {
            open.add(position);
            sink.accept(open.close(true));
            open = null;
        }
    }

    /** Ends the track: a trip still running is emitted as incomplete. */
    public void finish() throws IOException {
        if (open != null) {
            sink.accept(open.close(false));
            open = null;
        }
    }

    /** The trip being driven. */
    private static final class Open {
        private final StoredPosition first;
        private StoredPosition last;
        private boolean privateTrip;
        private Long firstOdometer;
        private Long lastOdometer;
        private GeoPoint lastVisible;
        private double summedMetres;
        private long records;

        Open(StoredPosition first) {
            this.first = first;
            add(first);
        }

        void add(StoredPosition position) {
            last = position;
            records++;
            privateTrip |= position.treatment() == Treatment.PRIVATE;
            Long odometer = position.ioValue(TOTAL_ODOMETER);
            if (odometer != null) {
                if (firstOdometer == null) {
                    firstOdometer = odometer;
                }
                lastOdometer = odometer;
            }
            GeoPoint point = position.point();
            if (point != null) {
                if (lastVisible != null) {
                    summedMetres += greatCircleMetres(lastVisible, point);
                }
                lastVisible = point;
            }
        }

        Trip close(boolean complete) {
            boolean byOdometer = firstOdometer != null && lastOdometer > firstOdometer;
            long distance = byOdometer ? lastOdometer - firstOdometer : Math.round(summedMetres);
            Trip.DistanceSource source = byOdometer ? Trip.DistanceSource.ODOMETER : Trip.DistanceSource.POSITIONS;
            // A private trip reveals neither end, whatever points its first and last records kept.
            GeoPoint start = privateTrip ? null : first.point();
            GeoPoint end = privateTrip ? null : last.point();
            return new Trip(first.deviceTime(), last.deviceTime(), privateTrip, distance, source, start, end, records,
                    complete);
        }
    }

    static double greatCircleMetres(GeoPoint a, GeoPoint b) {
        double lat1 = Math.toRadians(a.latitude());
        double lat2 = Math.toRadians(b.latitude());
        double dLat = lat2 - lat1;
        double dLon = Math.toRadians(b.longitude() - a.longitude());
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
