package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The coarsening grid: deterministic, cells of about the configured size everywhere, sane at poles and the antimeridian. */
class GeoGridTest {
    static final GeoGrid KM = new GeoGrid(1000);

    static double lat(long packed) {
        return GeoGrid.latitudeOf(packed) / 1e7;
    }

    static double lon(long packed) {
        return GeoGrid.longitudeOf(packed) / 1e7;
    }

    @ParameterizedTest(name = "at {0}°, {1}°")
    @CsvSource({"0.0, 0.0", "0.0004, 10.0", "60.0, 10.75", "60.1234, -45.6789", "-33.9, 151.2", "52.52, 13.40"})
    void cellsAreAboutTheConfiguredSizeAndPointsSnapToTheirOwnCellCentre(double latitude, double longitude) {
        int band = KM.band(Drive.e7(latitude));
        double height = Haversine.metres(KM.bandCentreLatitude(band) - 0.5 * 180.0 / bandCount(KM), 0,
                KM.bandCentreLatitude(band) + 0.5 * 180.0 / bandCount(KM), 0);
        double width = 360.0 / KM.cellsInBand(band) * GeoGrid.METRES_PER_DEGREE
                * Math.cos(Math.toRadians(KM.bandCentreLatitude(band)));
        assertEquals(1000, height, 10, "band height");
        assertEquals(1000, width, 10, "cell width at the band's centre");

        long centre = KM.snap(Drive.e7(latitude), Drive.e7(longitude));
        assertEquals(centre, new GeoGrid(1000).snap(Drive.e7(latitude), Drive.e7(longitude)), "deterministic");
        assertEquals(centre, KM.snap(GeoGrid.latitudeOf(centre), GeoGrid.longitudeOf(centre)), "a centre is its own cell's");
        assertTrue(Haversine.metres(latitude, longitude, lat(centre), lon(centre)) <= 1000 / Math.sqrt(2) + 10,
                "within half a cell diagonal of its centre");
    }

    private static int bandCount(GeoGrid grid) {
        return grid.band(900_000_000) + 1;
    }

    @Test
    void theGridIsFixedNotRelativeToThePoint() {
        // Two points 10 m apart inside one cell snap together; moving by a whole cell moves the centre by a cell.
        long a = KM.snap(Drive.e7(0.00001), Drive.e7(0.00001));
        long b = KM.snap(Drive.e7(0.00005), Drive.e7(0.00005));
        assertEquals(a, b);
        long c = KM.snap(Drive.e7(0.00001), Drive.e7(0.00001 + 360.0 / KM.cellsInBand(KM.band(100))));
        assertEquals(lat(a), lat(c), 1e-9);
        assertEquals(360.0 / KM.cellsInBand(KM.band(100)), lon(c) - lon(a), 1e-6);
    }

    @ParameterizedTest(name = "latitude {0}")
    @CsvSource({"90.0", "89.9999", "89.995", "-90.0", "-89.9999"})
    void nearThePolesCellsStayWholeAndCentresStayOnEarth(double latitude) {
        for (double longitude : new double[] {-180, -90, 0, 45.5, 179.9999}) {
            long centre = KM.snap(Drive.e7(latitude), Drive.e7(longitude));
            assertTrue(Math.abs(lat(centre)) < 90, "centre not on the pole itself");
            assertTrue(Math.abs(lat(centre)) > 89.99, "centre in the polar band");
            assertTrue(lon(centre) >= -180 && lon(centre) <= 180);
            assertTrue(Haversine.metres(latitude, longitude, lat(centre), lon(centre)) < 1000, "snapped less than a cell away");
        }
        int band = KM.band(Drive.e7(latitude));
        assertTrue(KM.cellsInBand(band) >= 1);
        double width = 360.0 / KM.cellsInBand(band) * GeoGrid.METRES_PER_DEGREE
                * Math.cos(Math.toRadians(KM.bandCentreLatitude(band)));
        assertTrue(width >= 500 && width <= 2000, "polar cells are not slivers: " + width);
    }

    @Test
    void theAntimeridianIsACellBoundary() {
        int lat = Drive.e7(-16.5); // Fiji
        long east = KM.snap(lat, Drive.e7(179.9999));
        long west = KM.snap(lat, Drive.e7(-179.9999));
        assertNotEquals(east, west, "the two sides of 180° are different cells");
        assertTrue(lon(east) > 179.9 && lon(east) < 180);
        assertTrue(lon(west) < -179.9 && lon(west) > -180);
        assertEquals(KM.snap(lat, Drive.e7(180.0)), KM.snap(lat, Drive.e7(-180.0)), "180° and -180° are one meridian");
        double width = 360.0 / KM.cellsInBand(KM.band(lat));
        assertEquals(180.0, lon(east) + width / 2, 1e-6, "the eastmost cell ends exactly at 180°");
    }

    @Test
    void otherSizesTileTheBandExactly() {
        for (int size : new int[] {100, 333, 2500, 100_000}) {
            GeoGrid grid = new GeoGrid(size);
            for (double latitude : new double[] {0, 45, 60, 80, 89.9}) {
                int band = grid.band(Drive.e7(latitude));
                int cells = grid.cellsInBand(band);
                long last = grid.snap(Drive.e7(latitude), Drive.e7(179.99999));
                assertEquals(180 - 180.0 / cells, lon(last), 1e-6, "size " + size + " at " + latitude);
            }
        }
    }
}
