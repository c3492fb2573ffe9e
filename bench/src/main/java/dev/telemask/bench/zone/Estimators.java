package dev.telemask.bench.zone;

import java.util.ArrayList;
import java.util.List;

/**
 * What an attacker computes from the published trips of one home to find the home, in metres around it (so the
 * length of an estimate is its miss): the published research's estimators on the visible trip endpoints.
 */
final class Estimators {
    private Estimators() {}

    static List<double[]> endpoints(List<PublishedTrip> trips) {
        List<double[]> points = new ArrayList<>();
        for (PublishedTrip trip : trips) {
            if (trip.visible()) {
                points.add(trip.endpoint());
            }
        }
        return points;
    }

    /** The centroid of the first visible points of trips leaving and the last of trips arriving. */
    static double[] centroid(List<PublishedTrip> trips) {
        double x = 0;
        double y = 0;
        List<double[]> points = endpoints(trips);
        for (double[] p : points) {
            x += p[0];
            y += p[1];
        }
        return new double[] {x / points.size(), y / points.size()};
    }

    /** Kåsa's algebraic least-squares circle through the endpoints; its centre. */
    static double[] circleFit(List<PublishedTrip> trips) {
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (double[] p : endpoints(trips)) {
            double[] row = {p[0], p[1], 1};
            double rhs = -(p[0] * p[0] + p[1] * p[1]);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    a[i][j] += row[i] * row[j];
                }
                b[i] += row[i] * rhs;
            }
        }
        double[] s = solve(a, b);
        return new double[] {-s[0] / 2, -s[1] / 2};
    }

    /**
     * The least-squares intersection of the lines of travel at the endpoints: the line through the endpoint along
     * its published heading when the record has one, else along the way to the next visible record.
     */
    static double[] directionIntersection(List<PublishedTrip> trips) {
        double[][] a = new double[2][2];
        double[] b = new double[2];
        for (PublishedTrip trip : trips) {
            if (!trip.visible()) {
                continue;
            }
            double[] p = trip.endpoint();
            double[] q = trip.nextToEndpoint();
            double dx = q[0] - p[0];
            double dy = q[1] - p[1];
            double length = Math.hypot(dx, dy);
            if (p[2] > 0) {
                dx = Math.sin(p[3]);
                dy = Math.cos(p[3]);
            } else if (length > 0) {
                dx /= length;
                dy /= length;
            } else {
                continue;
            }
            // (I - d d^T) projects onto the line's normal: sum of squared distances to every line.
            double[][] m = {{1 - dx * dx, -dx * dy}, {-dx * dy, 1 - dy * dy}};
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    a[i][j] += m[i][j];
                }
                b[i] += m[i][0] * p[0] + m[i][1] * p[1];
            }
        }
        return solve(a, b);
    }

    /**
     * Dead reckoning on coarsened trips: integrate the published speed and heading, and fit the track's offset to
     * the sequence of cells (the mean of cell minus track). Returns, per published record, {estimate error, cell
     * centre error}, metres; without speed and heading the estimate is the cell centre.
     */
    static List<double[]> deadReckoningErrors(List<PublishedTrip> trips) {
        List<double[]> errors = new ArrayList<>();
        for (PublishedTrip trip : trips) {
            int n = trip.published.size();
            if (n < 2) {
                continue;
            }
            double[][] track = new double[n][2];
            boolean moving = false;
            for (int i = 1; i < n; i++) {
                double[] p = trip.published.get(i - 1);
                moving |= p[2] > 0;
                track[i][0] = track[i - 1][0] + p[2] * Math.sin(p[3]);
                track[i][1] = track[i - 1][1] + p[2] * Math.cos(p[3]);
            }
            double ox = 0;
            double oy = 0;
            for (int i = 0; i < n; i++) {
                ox += trip.published.get(i)[0] - track[i][0];
                oy += trip.published.get(i)[1] - track[i][1];
            }
            ox /= n;
            oy /= n;
            for (int i = 0; i < n; i++) {
                double[] cell = trip.published.get(i);
                double[] truth = trip.truth.get(i);
                double ex = moving ? track[i][0] + ox : cell[0];
                double ey = moving ? track[i][1] + oy : cell[1];
                errors.add(new double[] {Math.hypot(ex - truth[0], ey - truth[1]),
                        Math.hypot(cell[0] - truth[0], cell[1] - truth[1])});
            }
        }
        return errors;
    }

    /** The smallest distance from home of any published position. */
    static double nearestVisible(List<PublishedTrip> trips) {
        double nearest = Double.POSITIVE_INFINITY;
        for (PublishedTrip trip : trips) {
            for (double[] p : trip.published) {
                nearest = Math.min(nearest, Math.hypot(p[0], p[1]));
            }
        }
        return nearest;
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int p = 0; p < n; p++) {
            int max = p;
            for (int i = p + 1; i < n; i++) {
                if (Math.abs(a[i][p]) > Math.abs(a[max][p])) {
                    max = i;
                }
            }
            double[] t = a[p];
            a[p] = a[max];
            a[max] = t;
            double tb = b[p];
            b[p] = b[max];
            b[max] = tb;
            for (int i = p + 1; i < n; i++) {
                double f = a[i][p] / a[p][p];
                b[i] -= f * b[p];
                for (int j = p; j < n; j++) {
                    a[i][j] -= f * a[p][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = b[i];
            for (int j = i + 1; j < n; j++) {
                sum -= a[i][j] * x[j];
            }
            x[i] = sum / a[i][i];
        }
        return x;
    }
}
