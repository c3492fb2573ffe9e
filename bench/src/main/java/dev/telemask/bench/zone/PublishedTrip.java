package dev.telemask.bench.zone;

import java.util.ArrayList;
import java.util.List;

/**
 * What the API publishes of one trip from or to home, in metres around home: the visible records in device-time
 * order (position, speed m/s, heading radians, as stored), each with where the vehicle really was.
 */
final class PublishedTrip {
    /** True for a trip leaving home, false for one arriving. */
    final boolean leaving;
    final List<double[]> published = new ArrayList<>();
    final List<double[]> truth = new ArrayList<>();

    PublishedTrip(boolean leaving) {
        this.leaving = leaving;
    }

    void add(double x, double y, double speed, double heading, double trueX, double trueY) {
        published.add(new double[] {x, y, speed, heading});
        truth.add(new double[] {trueX, trueY});
    }

    boolean visible() {
        return published.size() >= 2;
    }

    /** The visible record nearest home along the route: the first of a trip leaving, the last of one arriving. */
    double[] endpoint() {
        return leaving ? published.get(0) : published.get(published.size() - 1);
    }

    /** The nearest visible record to the endpoint at another place (the next cell, on a grid), or the endpoint. */
    double[] nextToEndpoint() {
        double[] end = endpoint();
        int n = published.size();
        for (int i = 1; i < n; i++) {
            double[] p = leaving ? published.get(i) : published.get(n - 1 - i);
            if (p[0] != end[0] || p[1] != end[1]) {
                return p;
            }
        }
        return end;
    }
}
