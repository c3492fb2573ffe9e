package dev.telemask.bench.zone;

import java.util.Random;

/**
 * Routes from a home, in metres around it, sampled every second: every trip first follows the home's own street
 * (the same street every time, either way), then heads for a destination in its own direction, either along
 * straight streets with turns at junctions ({@link Road#STRAIGHT}) or on roads that bend all the time
 * ({@link Road#CURVY}). A trip home is another such route driven backwards.
 */
final class CommuteRoutes {
    /** The kinds of road a route takes once it has left the home's street. */
    enum Road { STRAIGHT, CURVY }

    private final Random random;
    private final double homeStreetBearing;

    CommuteRoutes(Random random) {
        this.random = random;
        this.homeStreetBearing = random.nextDouble() * Math.PI;
    }

    /**
     * A route of {@code lengthMetres} away from home toward {@code destinationBearing} (radians from north); each
     * sample is {x, y, speed m/s, heading radians}.
     */
    double[][] away(Road road, double destinationBearing, double lengthMetres) {
        double speed = 8 + random.nextDouble() * 8;
        int samples = (int) (lengthMetres / speed);
        double[][] out = new double[samples][];
        double x = 0;
        double y = 0;
        double heading = homeStreetBearing + (random.nextBoolean() ? 0 : Math.PI);
        double homeStreetLeft = 60 + random.nextDouble() * 340;
        double segmentLeft = homeStreetLeft;
        double phase = random.nextDouble() * 2 * Math.PI;
        double wavelength = 300 + random.nextDouble() * 900;
        double travelled = 0;
        for (int i = 0; i < samples; i++) {
            out[i] = new double[] {x, y, speed, heading};
            double step = speed;
            travelled += step;
            if (travelled > homeStreetLeft && road == Road.CURVY) {
                // Bends of 40-70 degrees either side of the way to the destination, every few hundred metres.
                heading = destinationBearing + Math.toRadians(55) * Math.sin(2 * Math.PI * travelled / wavelength + phase)
                        + Math.toRadians(10) * Math.sin(travelled / 170.0);
            } else {
                segmentLeft -= step;
                if (segmentLeft <= 0) {
                    // A junction: turn onto a street heading roughly for the destination.
                    heading = destinationBearing + Math.toRadians(70) * (2 * random.nextDouble() - 1);
                    segmentLeft = 150 + random.nextDouble() * 450;
                }
            }
            x += step * Math.sin(heading);
            y += step * Math.cos(heading);
            speed = Math.max(5, Math.min(20, speed + random.nextGaussian() * 0.5));
        }
        return out;
    }

    /** A route of {@code lengthMetres} that ends at home, arriving from {@code originBearing}. */
    double[][] home(Road road, double originBearing, double lengthMetres) {
        double[][] out = away(road, originBearing, lengthMetres);
        int n = out.length;
        double[][] reversed = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] s = out[n - 1 - i];
            reversed[i] = new double[] {s[0], s[1], s[2], s[3] + Math.PI};
        }
        return reversed;
    }
}
