package dev.telemask.privacy;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The places a coarsened vehicle was published parked at or leaving from (a trip's first record), each with the cell
 * it was published in there: parked near one again, or leaving it, it is published in that cell, whatever the jitter
 * of its fixes.
 *
 * <p>Held by the cell it came from, a vehicle parked just past the line where that cell is left (a quarter of a cell
 * past the edge) crosses it with its GNSS jitter, fix by fix: the moment each night's records switch cell, averaged
 * over the nights, measures its distance to the line to a metre or two. A trip leaving where a private one ended has
 * no published cell to be held by: its first fix takes the cell its jitter puts it in, a coin each morning.
 * Remembered, the place is published in the cell of its first night (or morning) on every one after it.
 *
 * <p>A few places, the least recently parked at replaced first; device time, so decided in device-time order like
 * the rest of {@link DeviceState}. Fixed arrays: allocation-free on the hot path.
 */
final class ParkingPlaces {
    static final int SLOTS = 8;
    static final int SAVED_LENGTH = SLOTS * (4 + 4 + 8 + 8);
    /** Well beyond a parked vehicle's GNSS jitter, and well inside a cell of the smallest grid. */
    private static final double RADIUS_METRES = 50;

    private final int[] latitude = new int[SLOTS];
    private final int[] longitude = new int[SLOTS];
    private final long[] cell = new long[SLOTS];
    /** Device time the place was last parked at; {@link DeviceState#NEVER} for a free slot. */
    private final long[] lastParked = new long[SLOTS];

    ParkingPlaces() {
        Arrays.fill(cell, GeoGrid.NO_CELL);
        Arrays.fill(lastParked, DeviceState.NEVER);
    }

    /** The cell of {@code grid} the place near {@code (lat, lon)} was published in, or {@link GeoGrid#NO_CELL}. */
    long cellAt(GeoGrid grid, GeoGrid.Cache cache, int lat, int lon) {
        int k = near(grid, lat, lon);
        if (k < 0) {
            return GeoGrid.NO_CELL;
        }
        long c = cell[k];
        // A cell of another grid size (the policy changed) holds nothing.
        return grid.snap(GeoGrid.latitudeOf(c), GeoGrid.longitudeOf(c), cache) == c ? c : GeoGrid.NO_CELL;
    }

    /**
     * The vehicle was published parked at {@code (lat, lon)} in {@code published} at device time {@code time}: a
     * place near it is kept as it was first remembered (unless it was of another grid size), else this one replaces
     * the least recently parked at.
     */
    void parked(GeoGrid grid, int lat, int lon, long published, long time) {
        int k = near(grid, lat, lon);
        if (k < 0) {
            k = 0;
            for (int j = 1; j < SLOTS; j++) {
                if (lastParked[j] < lastParked[k]) {
                    k = j;
                }
            }
        }
        if (cell[k] != published) {
            latitude[k] = lat;
            longitude[k] = lon;
            cell[k] = published;
        }
        lastParked[k] = Math.max(lastParked[k], time);
    }

    private int near(GeoGrid grid, int lat, int lon) {
        double radius = Math.min(RADIUS_METRES, grid.sizeMetres() / 4.0);
        for (int k = 0; k < SLOTS; k++) {
            if (cell[k] != GeoGrid.NO_CELL
                    && PolicyEngine.pathMetres(latitude[k], longitude[k], lat, lon) <= radius) {
                return k;
            }
        }
        return -1;
    }

    void copyFrom(ParkingPlaces other) {
        System.arraycopy(other.latitude, 0, latitude, 0, SLOTS);
        System.arraycopy(other.longitude, 0, longitude, 0, SLOTS);
        System.arraycopy(other.cell, 0, cell, 0, SLOTS);
        System.arraycopy(other.lastParked, 0, lastParked, 0, SLOTS);
    }

    void save(ByteBuffer out) {
        for (int k = 0; k < SLOTS; k++) {
            out.putInt(latitude[k]).putInt(longitude[k]).putLong(cell[k]).putLong(lastParked[k]);
        }
    }

    void restore(ByteBuffer in) {
        for (int k = 0; k < SLOTS; k++) {
            latitude[k] = in.getInt();
            longitude[k] = in.getInt();
            cell[k] = in.getLong();
            lastParked[k] = in.getLong();
        }
    }
}
