package dev.telemask.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a privacy zone actually hides: a disc much larger than the zone whose centre is moved away from the zone's
 * centre by a keyed pseudo-random vector (the zone lies wholly inside it), and a keyed path distance after a
 * vehicle leaves the disc during which it stays hidden (the <em>trail</em>).
 *
 * <p>Why this shape, measured by {@code ./telemask bench zone-attack}: trips leaving a zone in all directions make
 * their first visible points surround the hidden centre; the centroid of those points lands about half the offset
 * from home toward the hidden centre, so the offset is at least three zone radii; a circle fit lands on the hidden
 * centre, further still. The trail takes the first visible point past the turns a trip makes near home, so the
 * direction of travel there no longer points back at home. Why not "radius plus a random margin per trip": fresh
 * randomness averages away over many trips. Everything here comes from a keyed hash instead: the same zone hides
 * the same region on every gateway instance and after every restart, and without the key nobody can compute it.
 *
 * <p>Why the draw does not follow the zone's exact centre and radius: every resize or nudge of the zone would give
 * an independent disc, and the outlines of several discs of one home intersect at it. So bearing, offset, trail and
 * slack are drawn for a <em>class</em> of zones: the radius rounded up to a step of a factor of the square root of two
 * ({@link #radiusClass}, c), and the zone's centre to a cell of a keyed c-sized grid. A zone resized within its class
 * or moved within its cell keeps the same vector from its centre to the disc's, so its new outline tells nothing the
 * old one did not. And the radius has a keyed slack of up to c, so that an outline puts home in a ring a class radius
 * wide around the disc's centre, not on a circle. The class comes from {@link PrivacyZone#drawnForMetres}: a driver's
 * zone keeps the radius it was placed with there, so that resizing it across classes only widens or narrows the disc
 * by 2.5 times the change, around the same centre, which an outline already told.
 *
 * <p>Why the draw is keyed on the zone too ({@link PrivacyZone#drawId}): were it the same for every zone of a class
 * and cell, anyone who may place a zone (an admin on a test device, another fleet of the deployment) could place one
 * in the home's cell, learn its disc exactly by sending fixes, and subtract its centre-to-disc vector from the
 * centre of the home's disc, which many trips outline: the home to the metre.
 */
public final class HiddenDisc {
    /** Shortest offset of the hidden centre from the zone's, in class radii: a centroid lands about half of it from home. */
    static final double MIN_OFFSET_RADII = 3.0;
    static final double OFFSET_SPREAD_RADII = 1.0;
    /** How far the hidden disc reaches beyond the far side of the zone, in zone radii, at least. */
    static final double MARGIN_RADII = 1.5;
    /** Up to how much further, in class radii (keyed): the outline does not tell the offset exactly. */
    static final double SLACK_RADII = 1.0;
    /** The trail after leaving the disc, in class radii, plus {@link #MIN_TRAIL_METRES}. */
    static final double MIN_TRAIL_RADII = 1.0;
    static final double TRAIL_SPREAD_RADII = 1.0;
    /** A trail never shorter than a few city blocks, whatever the radius: turns near home must stay hidden. */
    static final double MIN_TRAIL_METRES = 300;
    /** The flat-Earth distance used here stays well within the margin up to this latitude. */
    public static final double MAX_ABS_LATITUDE = 85.0;

    private static final double METRES_PER_E7 = GeoGrid.METRES_PER_DEGREE / 1e7;
    private static final long FULL_TURN_E7 = 3_600_000_000L;

    private final int centreLatitudeE7;
    private final int centreLongitudeE7;
    private final double cosCentreLatitude;
    private final double radiusMetres;
    private final double radiusSquared;
    private final double trailMetres;

    HiddenDisc(double centreLatitude, double centreLongitude, double radiusMetres, double trailMetres) {
        this.centreLatitudeE7 = (int) Math.round(centreLatitude * 1e7);
        this.centreLongitudeE7 = (int) Math.round(wrapLongitude(centreLongitude) * 1e7);
        this.cosCentreLatitude = StrictMath.cos(Math.toRadians(centreLatitude));
        this.radiusMetres = radiusMetres;
        this.radiusSquared = radiusMetres * radiusMetres;
        this.trailMetres = trailMetres;
    }

    /**
     * What any zone of {@code radiusMetres} hides, in ranges that follow from the radius alone (nothing keyed): the
     * fleet may be told this about a zone without learning anything about where it is. The offset is the distance
     * from the zone's centre to the hidden disc's.
     */
    public record Extent(double discRadiusMinMetres, double discRadiusMaxMetres, double offsetMinMetres,
                         double offsetMaxMetres, double trailMinMetres, double trailMaxMetres) {
    }

    /** The {@link Extent} of a zone of {@code radiusMetres}. */
    public static Extent extentOf(int radiusMetres) {
        return extentOf(radiusMetres, radiusMetres);
    }

    /**
     * The {@link Extent} of a zone of {@code radiusMetres} whose disc is drawn for {@code drawnForMetres} (see
     * {@link PrivacyZone#drawnForMetres}): a driver's zone resized since it was placed, or enlarged by the policy's
     * minimum.
     */
    public static Extent extentOf(int drawnForMetres, int radiusMetres) {
        int c = radiusClass(drawnForMetres);
        double r = radiusMetres;
        return new Extent(c * MIN_OFFSET_RADII + r * (1 + MARGIN_RADII),
                c * (MIN_OFFSET_RADII + OFFSET_SPREAD_RADII + SLACK_RADII) + r * (1 + MARGIN_RADII),
                c * MIN_OFFSET_RADII, c * (MIN_OFFSET_RADII + OFFSET_SPREAD_RADII),
                MIN_TRAIL_METRES + c * MIN_TRAIL_RADII, MIN_TRAIL_METRES + c * (MIN_TRAIL_RADII + TRAIL_SPREAD_RADII));
    }

    /**
     * The radius a zone's disc is drawn for: the smallest of 50 m times a power of the square root of two that is
     * at least {@code radiusMetres} (50, 71, 100, 142, 200, 283, 400, 566, ...), at most 5,000 m.
     */
    static int radiusClass(int radiusMetres) {
        for (int k = 0; ; k++) {
            int step = (int) Math.ceil(PrivacyZone.MIN_RADIUS_METRES * StrictMath.pow(2, k / 2.0) - 1e-9);
            if (step >= radiusMetres || step >= PrivacyZone.MAX_RADIUS_METRES) {
                return Math.max(step >= PrivacyZone.MAX_RADIUS_METRES ? PrivacyZone.MAX_RADIUS_METRES : step,
                        radiusMetres);
            }
        }
    }

    /** The hidden disc of {@code zone} under {@code key} (the gateway's secret). */
    public static HiddenDisc of(PrivacyZone zone, byte[] key) {
        int c = radiusClass(zone.drawnForMetres());
        // The cell that keys the draw: a square grid of the class's size, in metres north and east, shifted by a keyed
        // offset.
        ByteBuffer gridBits = ByteBuffer.wrap(keyedHash(key, zone.drawId(), c, 0, 0, false));
        double shiftNorth = c * ((gridBits.getLong() >>> 11) * 0x1.0p-53);
        double shiftEast = c * ((gridBits.getLong() >>> 11) * 0x1.0p-53);
        long row = (long) Math.floor((zone.latitude() * GeoGrid.METRES_PER_DEGREE + shiftNorth) / c);
        double rowLatitude = ((row + 0.5) * c - shiftNorth) / GeoGrid.METRES_PER_DEGREE;
        double metresPerDegreeEast = GeoGrid.METRES_PER_DEGREE * StrictMath.cos(Math.toRadians(rowLatitude));
        long column = (long) Math.floor((zone.longitude() * metresPerDegreeEast + shiftEast) / c);

        ByteBuffer bits = ByteBuffer.wrap(keyedHash(key, zone.drawId(), c, row, column, true));
        double u1 = (bits.getLong() >>> 11) * 0x1.0p-53;
        double u2 = (bits.getLong() >>> 11) * 0x1.0p-53;
        double u3 = (bits.getLong() >>> 11) * 0x1.0p-53;
        double u4 = (bits.getLong() >>> 11) * 0x1.0p-53;
        double bearing = 2 * Math.PI * u1;
        double offset = c * (MIN_OFFSET_RADII + OFFSET_SPREAD_RADII * u2);
        double lat = zone.latitude() + offset * StrictMath.cos(bearing) / GeoGrid.METRES_PER_DEGREE;
        double lon = zone.longitude() + offset * StrictMath.sin(bearing)
                / (GeoGrid.METRES_PER_DEGREE * StrictMath.cos(Math.toRadians(zone.latitude())));
        double trail = MIN_TRAIL_METRES + c * (MIN_TRAIL_RADII + TRAIL_SPREAD_RADII * u3);
        double radius = offset + zone.radiusMetres() * (1 + MARGIN_RADII) + c * SLACK_RADII * u4;
        return new HiddenDisc(lat, lon, radius, trail);
    }

    private static byte[] keyedHash(byte[] key, String drawId, int radiusClass, long row, long column,
                                    boolean disc) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((disc ? "telemask-privacy-zone-v3-disc" : "telemask-privacy-zone-v3-grid")
                    .getBytes(StandardCharsets.US_ASCII));
            digest.update(ByteBuffer.allocate(4).putInt(key.length).array());
            digest.update(key);
            // An unnamed zone (tests, benchmarks) draws as every zone did before zones were named here; a named one
            // hashes a longer input, so no name collides with that.
            if (!drawId.isEmpty()) {
                byte[] id = drawId.getBytes(StandardCharsets.UTF_8);
                digest.update(ByteBuffer.allocate(4).putInt(id.length).array());
                digest.update(id);
            }
            digest.update(ByteBuffer.allocate(20).putInt(radiusClass).putLong(row).putLong(column).array());
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static double wrapLongitude(double lon) {
        return ((lon + 180.0) % 360.0 + 360.0) % 360.0 - 180.0;
    }

    /**
     * This disc widened by {@code extraMetres} around the same centre, its trail at least {@code trailAtLeastMetres}:
     * the disc that also hides the zones it covers ({@link ZoneCover}).
     */
    HiddenDisc widened(double extraMetres, double trailAtLeastMetres) {
        return new HiddenDisc(centreLatitude(), centreLongitude(), radiusMetres + extraMetres,
                Math.max(trailMetres, trailAtLeastMetres));
    }

    /** Metres from the disc's centre to the point (degrees), flat-Earth around the centre like {@link #contains}. */
    double distanceTo(double latitude, double longitude) {
        return Math.sqrt(squaredDistance((int) Math.round(latitude * 1e7),
                (int) Math.round(wrapLongitude(longitude) * 1e7)));
    }

    /** True when the point (1e-7 degrees) lies in the hidden disc. */
    public boolean contains(int latitudeE7, int longitudeE7) {
        return squaredDistance(latitudeE7, longitudeE7) <= radiusSquared;
    }

    /** True when the point lies within {@code extraMetres} of the hidden disc (a grid cell's reach, say). */
    public boolean reaches(int latitudeE7, int longitudeE7, double extraMetres) {
        double reach = radiusMetres + extraMetres;
        return squaredDistance(latitudeE7, longitudeE7) <= reach * reach;
    }

    /**
     * Where the straight way from A to B last leaves the disc, as a fraction of the way (0 to 1), or 0 when it does
     * not pass through the disc; 1 when the disc lies ahead of B within its trail's length. Flat-Earth around the
     * disc's centre, like {@link #contains}.
     */
    double exitAlong(int latitudeE7a, int longitudeE7a, int latitudeE7b, int longitudeE7b) {
        double ax = eastOfCentre(longitudeE7a);
        double ay = ((long) latitudeE7a - centreLatitudeE7) * METRES_PER_E7;
        double dx = eastOfCentre(longitudeE7b) - ax;
        double dy = ((long) latitudeE7b - centreLatitudeE7) * METRES_PER_E7 - ay;
        double a = dx * dx + dy * dy;
        if (a == 0) {
            return 0;
        }
        // |A + t (B - A)| = radius: the larger root is where the way leaves the disc.
        double b = ax * dx + ay * dy;
        double c = ax * ax + ay * ay - radiusSquared;
        double discriminant = b * b - a * c;
        if (discriminant < 0) {
            return 0;
        }
        double root = Math.sqrt(discriminant);
        double enters = (-b - root) / a;
        if (enters > 1) {
            // The line meets the disc only beyond B. Heading for it within a trail's length (a turn back towards
            // home), the step counts nothing: published, the fixes there would point at the disc. Farther off (the
            // road from home to the office), the way did not pass through it and uses the trail up like any other.
            return (enters - 1) * Math.sqrt(a) <= trailMetres ? 1 : 0;
        }
        double leaves = (-b + root) / a;
        return Math.min(1, Math.max(0, leaves));
    }

    private double eastOfCentre(int longitudeE7) {
        long dLon = (long) longitudeE7 - centreLongitudeE7;
        if (dLon > FULL_TURN_E7 / 2) {
            dLon -= FULL_TURN_E7;
        } else if (dLon < -FULL_TURN_E7 / 2) {
            dLon += FULL_TURN_E7;
        }
        return dLon * METRES_PER_E7 * cosCentreLatitude;
    }

    private double squaredDistance(int latitudeE7, int longitudeE7) {
        double dy = ((long) latitudeE7 - centreLatitudeE7) * METRES_PER_E7;
        double dx = eastOfCentre(longitudeE7);
        return dx * dx + dy * dy;
    }

    public double centreLatitude() {
        return centreLatitudeE7 / 1e7;
    }

    public double centreLongitude() {
        return centreLongitudeE7 / 1e7;
    }

    public double radiusMetres() {
        return radiusMetres;
    }

    /** The path distance after leaving the disc during which a vehicle stays hidden. */
    public double trailMetres() {
        return trailMetres;
    }
}
