package dev.telemask.privacy;

/**
 * A deterministic grid of cells of roughly equal size everywhere on Earth, for coarsening positions.
 *
 * <p>Latitude is cut into bands of equal height (a whole number of them from pole to pole); each band is cut into
 * a whole number of equal-width cells, as many as fit the circumference at the band's centre latitude, so cells
 * are about {@code sizeMetres} wide at every latitude, tile their band exactly, and the antimeridian is always a
 * cell boundary. The polar bands hold few cells (at least one), so a snapped point never lands on the pole itself.
 *
 * <p>It uses {@link StrictMath} so that the same position snaps to the same cell on every JVM and CPU: a
 * coarsened track must not drift between gateway instances.
 */
public final class GeoGrid {
    /** Mean Earth radius (IUGG), metres. */
    static final double EARTH_RADIUS_METRES = 6_371_008.8;
    static final double METRES_PER_DEGREE = EARTH_RADIUS_METRES * Math.PI / 180.0;
    private static final double E7 = 1e7;
    /** How far, in cells, a point must lie outside the previous cell to leave it. */
    static final double HYSTERESIS = 0.25;
    /** No previous cell: not a packed centre (its latitude is out of range). */
    public static final long NO_CELL = Long.MIN_VALUE;

    private final int sizeMetres;
    private final int bandCount;
    private final double bandDegrees;

    public GeoGrid(int sizeMetres) {
        if (sizeMetres <= 0) {
            throw new IllegalArgumentException("grid size must be positive: " + sizeMetres);
        }
        this.sizeMetres = sizeMetres;
        this.bandCount = (int) Math.max(1, Math.round(180.0 * METRES_PER_DEGREE / sizeMetres));
        this.bandDegrees = 180.0 / bandCount;
    }

    public int sizeMetres() {
        return sizeMetres;
    }

    /** The band of a latitude in 1e-7 degrees; band 0 touches the south pole. */
    public int band(int latitudeE7) {
        int band = (int) Math.floor((latitudeE7 / E7 + 90.0) / bandDegrees);
        return Math.min(Math.max(band, 0), bandCount - 1);
    }

    public double bandCentreLatitude(int band) {
        return -90.0 + (band + 0.5) * bandDegrees;
    }

    /** Number of cells in a band: the band's circumference at its centre over the cell size, at least one. */
    public int cellsInBand(int band) {
        double circumference = 360.0 * METRES_PER_DEGREE * StrictMath.cos(Math.toRadians(bandCentreLatitude(band)));
        return (int) Math.max(1, Math.round(circumference / sizeMetres));
    }

    /**
     * The centre of the cell holding {@code (latitudeE7, longitudeE7)}, packed as latitude in the high and
     * longitude in the low 32 bits (1e-7 degrees). {@code cache} remembers the last band's cell count, sparing a
     * cosine per record while a vehicle stays in one band.
     */
    public long snap(int latitudeE7, int longitudeE7, Cache cache) {
        int band = band(latitudeE7);
        if (cache.grid != this || cache.band != band) {
            cache.grid = this;
            cache.band = band;
            cache.cells = cellsInBand(band);
        }
        int cells = cache.cells;
        double width = 360.0 / cells;
        int cell = Math.floorMod((int) Math.floor((longitudeE7 / E7 + 180.0) / width), cells);
        int lat = (int) Math.round(bandCentreLatitude(band) * E7);
        int lon = (int) Math.round((-180.0 + (cell + 0.5) * width) * E7);
        return pack(lat, lon);
    }

    /**
     * As {@link #snap}, but keeps the cell {@code previous} (a centre this grid's snap returned, or {@link #NO_CELL})
     * while the point lies less than {@value #HYSTERESIS} of a cell outside it. A fixed grid alone gives away how
     * near an edge a parked vehicle stands: its GNSS jitter flips it between two cells, in a share that measures the
     * distance to the edge to a few metres; a vehicle must move a quarter of a cell past the edge to change cell.
     */
    public long snap(int latitudeE7, int longitudeE7, Cache cache, long previous) {
        long cell = snap(latitudeE7, longitudeE7, cache);
        if (previous == NO_CELL || cell == previous || !near(previous, latitudeE7, longitudeE7)) {
            return cell;
        }
        // Only a centre of this grid: after a change of grid size the previous cell is another grid's.
        return snap(latitudeOf(previous), longitudeOf(previous), cache) == previous ? previous : cell;
    }

    /** Whether the point lies within {@value #HYSTERESIS} of a cell around the cell centred on {@code centre}. */
    private boolean near(long centre, int latitudeE7, int longitudeE7) {
        int band = band(latitudeOf(centre));
        double south = -90.0 + band * bandDegrees;
        double latitude = latitudeE7 / E7;
        if (latitude < south - HYSTERESIS * bandDegrees || latitude > south + (1 + HYSTERESIS) * bandDegrees) {
            return false;
        }
        double width = 360.0 / cellsInBand(band);
        double east = longitudeE7 / E7 - longitudeOf(centre) / E7;
        east = east - 360.0 * Math.floor((east + 180.0) / 360.0);
        return Math.abs(east) <= (0.5 + HYSTERESIS) * width;
    }

    /** Convenience for tests and tools: {@link #snap} with a throw-away cache. */
    public long snap(int latitudeE7, int longitudeE7) {
        return snap(latitudeE7, longitudeE7, new Cache());
    }

    static long pack(int latitudeE7, int longitudeE7) {
        return ((long) latitudeE7 << 32) | (longitudeE7 & 0xFFFF_FFFFL);
    }

    public static int latitudeOf(long packed) {
        return (int) (packed >> 32);
    }

    public static int longitudeOf(long packed) {
        return (int) packed;
    }

    /** The last band looked up; one per device (or thread), never shared between threads. */
    public static final class Cache {
        private GeoGrid grid;
        private int band = -1;
        private int cells;
    }
}
