package dev.telemask.bench.zone;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@code telemask bench zone-attack [--homes N] [--trips N] [--seed S] [--overlap]}: random homes around the world, each with a
 * privacy zone centred on it and trips leaving and reaching it in every direction, driven through the real privacy
 * engine; then the attacker's estimators on what the API publishes, and how far each misses home.
 */
public final class ZoneAttack {
    /** A zone radius with a grid size (0: no coarsening). */
    public record Scenario(int radiusMetres, int gridMetres) {
        @Override
        public String toString() {
            return radiusMetres + " m zone" + (gridMetres > 0 ? ", " + gridMetres + " m grid" : ", no grid");
        }
    }

    /** The scenarios the benchmark reports: the README's policy among them (300 m zone, 500 m grid). */
    public static final List<Scenario> SCENARIOS = List.of(new Scenario(300, 0), new Scenario(300, 500),
            new Scenario(100, 0), new Scenario(1000, 0), new Scenario(150, 1000));

    /**
     * Miss distances over all homes, sorted, metres: one array per estimator, the nearest visible point per home,
     * and over all coarsened records the dead-reckoning and cell-centre errors.
     */
    public record Result(Scenario scenario, double[] centroid, double[] circleFit, double[] directions,
                         double[] nearestVisible, double[] deadReckoning, double[] cellCentre) {
        public static double median(double[] sorted) {
            return sorted.length == 0 ? Double.NaN : quantile(sorted, 0.5);
        }

        public static double quantile(double[] sorted, double q) {
            return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
        }
    }

    private ZoneAttack() {}

    /** Runs {@code homes} homes of {@code trips} trips each way under {@code scenario}. */
    public static Result measure(Scenario scenario, int homes, int trips, long seed) {
        Random random = new Random(seed);
        double[] centroid = new double[homes];
        double[] circle = new double[homes];
        double[] directions = new double[homes];
        double[] nearest = new double[homes];
        List<Double> reckoned = new ArrayList<>();
        List<Double> cells = new ArrayList<>();
        for (int h = 0; h < homes; h++) {
            LocalPlane home = LocalPlane.anywhere(random);
            byte[] key = new byte[32];
            random.nextBytes(key);
            List<PublishedTrip> published = ZoneAttackRun.run(random, home, scenario.radiusMetres(),
                    scenario.gridMetres(), trips, key);
            centroid[h] = length(Estimators.centroid(published));
            circle[h] = length(Estimators.circleFit(published));
            directions[h] = length(Estimators.directionIntersection(published));
            nearest[h] = Estimators.nearestVisible(published);
            if (scenario.gridMetres() > 0) {
                for (double[] e : Estimators.deadReckoningErrors(published)) {
                    reckoned.add(e[0]);
                    cells.add(e[1]);
                }
            }
        }
        return new Result(scenario, sorted(centroid), sorted(circle), sorted(directions), sorted(nearest),
                sorted(reckoned), sorted(cells));
    }

    /** Runs every scenario and prints each estimator's miss distances on {@code out}. */
    public static void print(PrintStream out, int homes, int trips, long seed) {
        out.printf("zone attack: %d homes, %d trips leaving and %d arriving each (half straight streets, half curvy"
                + " roads), seed %d%n", homes, trips, trips, seed);
        out.println("miss distance from home, metres: median / 10th percentile / homes found within the radius");
        for (Scenario scenario : SCENARIOS) {
            Result r = measure(scenario, homes, trips, seed);
            out.println(scenario);
            line(out, "centroid", r.centroid(), scenario.radiusMetres());
            line(out, "circle fit", r.circleFit(), scenario.radiusMetres());
            line(out, "direction intersection", r.directions(), scenario.radiusMetres());
            out.printf("  %-24s nearest of all homes %.0f m, median %.0f m%n", "nearest visible point",
                    r.nearestVisible()[0], Result.median(r.nearestVisible()));
            if (scenario.gridMetres() > 0) {
                out.printf("  %-24s median error %.0f m (cell centres %.0f m) over %d coarsened records%n",
                        "dead reckoning", Result.median(r.deadReckoning()), Result.median(r.cellCentre()),
                        r.deadReckoning().length);
            }
        }
        ZoneResizeAttack.print(out, homes, seed);
        ZoneOverlapAttack.print(out, homes, seed);
    }

    /** Zones around one home at once against one zone alone, on {@code out}. */
    public static void printOverlap(PrintStream out, int homes, long seed) {
        out.printf("zone attack: %d homes, seed %d%n", homes, seed);
        ZoneOverlapAttack.print(out, homes, seed);
    }

    private static void line(PrintStream out, String name, double[] misses, int radius) {
        long inside = Arrays.stream(misses).filter(m -> m <= radius).count();
        out.printf("  %-24s %6.0f / %6.0f / %d of %d%n", name, Result.median(misses), Result.quantile(misses, 0.1),
                inside, misses.length);
    }

    private static double length(double[] v) {
        return Math.hypot(v[0], v[1]);
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
}
