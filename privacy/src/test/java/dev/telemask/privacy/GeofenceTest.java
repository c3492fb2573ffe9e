package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeofenceTest {
    private static final String SQUARE = "{\"name\": \"yard\", \"polygon\": ["
            + "{\"latitude\": 54.0, \"longitude\": 25.0}, {\"latitude\": 54.0, \"longitude\": 25.1},"
            + "{\"latitude\": 54.1, \"longitude\": 25.1}, {\"latitude\": 54.1, \"longitude\": 25.0}]}";

    @Test
    void aPointIsInsideASquareOnlyWithinItsEdges() {
        Geofence square = GeofenceJson.parse(SQUARE);
        assertTrue(square.contains(54.05, 25.05));
        assertFalse(square.contains(54.05, 25.15));
        assertFalse(square.contains(53.99, 25.05));
        assertTrue(square.contains(540_500_000, 250_500_000), "1e-7 degrees as records carry them");
    }

    @Test
    void aConcavePolygonExcludesItsNotch() {
        // A "U": the notch between the arms is outside.
        Geofence u = GeofenceJson.parse("{\"name\": \"u\", \"polygon\": ["
                + "{\"latitude\": 0, \"longitude\": 0}, {\"latitude\": 0, \"longitude\": 3},"
                + "{\"latitude\": 3, \"longitude\": 3}, {\"latitude\": 3, \"longitude\": 2},"
                + "{\"latitude\": 1, \"longitude\": 2}, {\"latitude\": 1, \"longitude\": 1},"
                + "{\"latitude\": 3, \"longitude\": 1}, {\"latitude\": 3, \"longitude\": 0}]}");
        assertTrue(u.contains(2, 0.5));
        assertTrue(u.contains(2, 2.5));
        assertFalse(u.contains(2, 1.5));
        assertTrue(u.contains(0.5, 1.5));
    }

    @Test
    void aCircleContainsWhatIsWithinItsRadius() {
        Geofence depot = GeofenceJson.parse("{\"name\": \"depot\", \"circle\": {\"latitude\": 54.7,"
                + " \"longitude\": 25.25, \"radiusMetres\": 200}}");
        // 0.001 degrees of latitude is about 111 m; 0.002 about 222 m.
        assertTrue(depot.contains(54.701, 25.25));
        assertFalse(depot.contains(54.702, 25.25));
    }

    @Test
    void aClosedRingIsTheSameAsAnOpenOne() {
        Geofence closed = GeofenceJson.parse("{\"name\": \"t\", \"polygon\": [{\"latitude\": 0, \"longitude\": 0},"
                + "{\"latitude\": 0, \"longitude\": 1}, {\"latitude\": 1, \"longitude\": 0},"
                + "{\"latitude\": 0, \"longitude\": 0}]}");
        assertEquals(3, closed.latitudes().length);
    }

    @Test
    void invalidGeofencesAreRefusedNamingTheField() {
        assertField("{\"name\": \"bow\", \"polygon\": [{\"latitude\": 0, \"longitude\": 0},"
                + "{\"latitude\": 1, \"longitude\": 1}, {\"latitude\": 0, \"longitude\": 1},"
                + "{\"latitude\": 1, \"longitude\": 0}]}", "polygon", "intersect itself");
        assertField("{\"name\": \"line\", \"polygon\": [{\"latitude\": 0, \"longitude\": 0},"
                + "{\"latitude\": 1, \"longitude\": 1}, {\"latitude\": 2, \"longitude\": 2}]}", "polygon", "");
        assertField("{\"name\": \"two\", \"polygon\": [{\"latitude\": 0, \"longitude\": 0},"
                + "{\"latitude\": 1, \"longitude\": 1}]}", "polygon", "3 to 500");
        assertField("{\"name\": \"c\", \"circle\": {\"latitude\": 0, \"longitude\": 0, \"radiusMetres\": 5}}",
                "circle.radiusMetres", "between 10");
        assertField("{\"name\": \"c\", \"circle\": {\"latitude\": 91, \"longitude\": 0, \"radiusMetres\": 50}}",
                "circle.latitude", "between -90");
        assertField("{\"circle\": {\"latitude\": 1, \"longitude\": 0, \"radiusMetres\": 50}}", "name", "required");
        assertField("{\"name\": \"both\"}", "$", "exactly one");
        StringBuilder many = new StringBuilder("{\"name\": \"many\", \"polygon\": [");
        for (int i = 0; i < GeofenceJson.MAX_VERTICES + 1; i++) {
            double a = 2 * Math.PI * i / (GeofenceJson.MAX_VERTICES + 1);
            many.append(i == 0 ? "" : ",").append("{\"latitude\": ").append(Math.sin(a))
                    .append(", \"longitude\": ").append(Math.cos(a)).append('}');
        }
        assertField(many.append("]}").toString(), "polygon", "3 to 500");
    }

    private static void assertField(String json, String field, String reason) {
        PolicyValidationException e = assertThrows(PolicyValidationException.class, () -> GeofenceJson.parse(json));
        assertTrue(e.errors().stream().anyMatch(err -> err.field().equals(field) && err.reason().contains(reason)),
                e.getMessage());
    }
}
