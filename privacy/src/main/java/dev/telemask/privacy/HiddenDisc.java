package dev.telemask.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The area actually hidden for a privacy zone: a larger disc whose centre is moved away from the zone's centre by
 * a keyed pseudo-random vector, so that the zone lies wholly inside it.
 *
 * <p>Why not "radius plus a random margin per trip": the first visible points of many trips then scatter around
 * the true centre and a least-squares circle fit averages the margins away. Here every trip's first visible point
 * lies on (or beyond) the same offset circle, so a fit converges to the offset centre, which is 1.5 to 2.5 zone
 * radii from the true one. The offset comes from a keyed hash of the zone, not from a random source: the same
 * zone hides the same disc on every gateway instance and after every restart, and without the key nobody can
 * compute it.
 */
public final class HiddenDisc {
    /** Shortest offset of the hidden centre, in zone radii: more than one, so a fit misses the zone. */
    static final double MIN_OFFSET_RADII = 1.5;
    static final double OFFSET_SPREAD_RADII = 1.0;
    /** How far the hidden disc reaches beyond the far side of the zone, in zone radii, so rounding never exposes it. */
    static final double MARGIN_RADII = 0.25;
    /** The flat-Earth distance used here stays well within the margin up to this latitude. */
    public static final double MAX_ABS_LATITUDE = 85.0;

    private static final double METRES_PER_E7 = GeoGrid.METRES_PER_DEGREE / 1e7;
    private static final long FULL_TURN_E7 = 3_600_000_000L;

    private final int centreLatitudeE7;
    private final int centreLongitudeE7;
    private final double cosCentreLatitude;
    private final double radiusMetres;
    private final double radiusSquared;

    HiddenDisc(double centreLatitude, double centreLongitude, double radiusMetres) {
        this.centreLatitudeE7 = (int) Math.round(centreLatitude * 1e7);
        this.centreLongitudeE7 = (int) Math.round(wrapLongitude(centreLongitude) * 1e7);
        this.cosCentreLatitude = StrictMath.cos(Math.toRadians(centreLatitude));
        this.radiusMetres = radiusMetres;
        this.radiusSquared = radiusMetres * radiusMetres;
    }

    /** The hidden disc of {@code zone} under {@code key} (the gateway's secret). */
    public static HiddenDisc of(PrivacyZone zone, byte[] key) {
        byte[] hash = keyedHash(zone, key);
        ByteBuffer bits = ByteBuffer.wrap(hash);
        double u1 = (bits.getLong() >>> 11) * 0x1.0p-53;
        double u2 = (bits.getLong() >>> 11) * 0x1.0p-53;
        double r = zone.radiusMetres();
        double bearing = 2 * Math.PI * u1;
        double offset = r * (MIN_OFFSET_RADII + OFFSET_SPREAD_RADII * u2);
        double lat = zone.latitude() + offset * StrictMath.cos(bearing) / GeoGrid.METRES_PER_DEGREE;
        double lon = zone.longitude() + offset * StrictMath.sin(bearing)
                / (GeoGrid.METRES_PER_DEGREE * StrictMath.cos(Math.toRadians(zone.latitude())));
        return new HiddenDisc(lat, lon, offset + r * (1 + MARGIN_RADII));
    }

    private static byte[] keyedHash(PrivacyZone zone, byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("telemask-privacy-zone-v1".getBytes(StandardCharsets.US_ASCII));
            digest.update(ByteBuffer.allocate(4).putInt(key.length).array());
            digest.update(key);
            digest.update(ByteBuffer.allocate(20)
                    .putDouble(zone.latitude()).putDouble(zone.longitude()).putInt(zone.radiusMetres()).array());
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static double wrapLongitude(double lon) {
        return ((lon + 180.0) % 360.0 + 360.0) % 360.0 - 180.0;
    }

    /** True when the point (1e-7 degrees) lies in the hidden disc. */
    public boolean contains(int latitudeE7, int longitudeE7) {
        double dy = ((long) latitudeE7 - centreLatitudeE7) * METRES_PER_E7;
        long dLon = (long) longitudeE7 - centreLongitudeE7;
        if (dLon > FULL_TURN_E7 / 2) {
            dLon -= FULL_TURN_E7;
        } else if (dLon < -FULL_TURN_E7 / 2) {
            dLon += FULL_TURN_E7;
        }
        double dx = dLon * METRES_PER_E7 * cosCentreLatitude;
        return dx * dx + dy * dy <= radiusSquared;
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
}
