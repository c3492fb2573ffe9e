package dev.telemask.simulator;

import java.util.SplittableRandom;

/**
 * The small area where a simulated vehicle is kept overnight: every vehicle starts its first trip there and often
 * returns, so a test set-up that registers this area as a privacy zone sees trips start and end inside it.
 * Homes are scattered around one city and depend only on the seed and the IMEI.
 *
 * @param latitude     centre, degrees
 * @param longitude    centre, degrees
 * @param radiusMetres every record a vehicle sends while parked at home lies within this radius
 */
public record HomeArea(double latitude, double longitude, double radiusMetres) {
    /** Centre of the simulated fleet's region (Vilnius). */
    static final double REGION_LATITUDE = 54.6872;
    static final double REGION_LONGITUDE = 25.2797;
    private static final double REGION_RADIUS_METRES = 25_000;
    static final double RADIUS_METRES = 300;

    /** The home of the device with this IMEI in a run with this seed. */
    public static HomeArea of(long seed, long imei) {
        SplittableRandom random = new SplittableRandom(Geo.mix(seed, imei) ^ 0x5DEECE66DL);
        double distance = REGION_RADIUS_METRES * Math.sqrt(random.nextDouble());
        double bearing = random.nextDouble(360);
        return new HomeArea(Geo.latitudeAfter(REGION_LATITUDE, distance, bearing),
                Geo.longitudeAfter(REGION_LATITUDE, REGION_LONGITUDE, distance, bearing), RADIUS_METRES);
    }

    /** True when the point (degrees) lies in this area. */
    public boolean contains(double latitude, double longitude) {
        return Geo.distanceMetres(this.latitude, this.longitude, latitude, longitude) <= radiusMetres;
    }
}
