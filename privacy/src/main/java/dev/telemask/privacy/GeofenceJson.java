package dev.telemask.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes a geofence document, as the API takes and serves it, validating everything and reporting every
 * problem at once with its field path:
 *
 * <pre>{@code
 * { "name": "depot", "circle": { "latitude": 54.7, "longitude": 25.25, "radiusMetres": 250 } }
 * { "name": "yard",  "polygon": [ { "latitude": 54.70, "longitude": 25.25 }, { ... }, { ... } ] }
 * }</pre>
 *
 * A polygon has {@value #MIN_VERTICES} to {@value #MAX_VERTICES} vertices (a ring closed by repeating the first
 * vertex is accepted), no edge crosses another, it encloses an area and spans less than half the globe in longitude.
 */
public final class GeofenceJson {
    public static final int MIN_RADIUS_METRES = 10;
    public static final int MAX_RADIUS_METRES = 100_000;
    public static final int MIN_VERTICES = 3;
    public static final int MAX_VERTICES = 500;
    public static final int MAX_NAME_LENGTH = 100;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GeofenceJson() {
    }

    /** Parses and validates a document (its id 0: the store gives one); throws listing every error. */
    public static Geofence parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PolicyValidationException(List.of(new PolicyError("$", "not valid JSON: "
                    + e.getOriginalMessage())));
        }
        return read(root);
    }

    /** Validates a parsed document. */
    public static Geofence read(JsonNode root) {
        List<PolicyError> errors = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new PolicyValidationException(List.of(new PolicyError("$", "must be a JSON object")));
        }
        root.fieldNames().forEachRemaining(field -> {
            if (!List.of("name", "circle", "polygon").contains(field)) {
                errors.add(new PolicyError(field, "unknown field"));
            }
        });
        JsonNode nameNode = root.get("name");
        String name = null;
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            errors.add(new PolicyError("name", "is required, a non-empty string"));
        } else if (nameNode.asText().length() > MAX_NAME_LENGTH) {
            errors.add(new PolicyError("name", "is longer than " + MAX_NAME_LENGTH + " characters"));
        } else {
            name = nameNode.asText();
        }
        boolean hasCircle = root.has("circle");
        boolean hasPolygon = root.has("polygon");
        Geofence fence = null;
        if (hasCircle == hasPolygon) {
            errors.add(new PolicyError("$", "give exactly one of \"circle\" and \"polygon\""));
        } else if (hasCircle) {
            fence = circle(root.get("circle"), name, errors);
        } else {
            fence = polygon(root.get("polygon"), name, errors);
        }
        if (!errors.isEmpty()) {
            throw new PolicyValidationException(errors);
        }
        return fence;
    }

    /** The document of {@code fence}, with its id. */
    public static ObjectNode toJson(Geofence fence) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", Long.toString(fence.id()));
        root.put("name", fence.name());
        if (fence.isCircle()) {
            root.putObject("circle").put("latitude", fence.centreLatitude()).put("longitude", fence.centreLongitude())
                    .put("radiusMetres", fence.radiusMetres());
        } else {
            ArrayNode vertices = root.putArray("polygon");
            for (int i = 0; i < fence.latitudes().length; i++) {
                vertices.addObject().put("latitude", fence.latitudes()[i]).put("longitude", fence.longitudes()[i]);
            }
        }
        return root;
    }

    private static Geofence circle(JsonNode node, String name, List<PolicyError> errors) {
        if (!node.isObject()) {
            errors.add(new PolicyError("circle", "must be an object with latitude, longitude and radiusMetres"));
            return null;
        }
        node.fieldNames().forEachRemaining(field -> {
            if (!List.of("latitude", "longitude", "radiusMetres").contains(field)) {
                errors.add(new PolicyError("circle." + field, "unknown field"));
            }
        });
        double lat = coordinate(node, "circle.", "latitude", 90, errors);
        double lon = coordinate(node, "circle.", "longitude", 180, errors);
        JsonNode r = node.get("radiusMetres");
        int radius = 0;
        if (r == null || !r.isIntegralNumber() || !r.canConvertToInt()) {
            errors.add(new PolicyError("circle.radiusMetres", "is required, a whole number of metres"));
        } else if (r.asInt() < MIN_RADIUS_METRES || r.asInt() > MAX_RADIUS_METRES) {
            errors.add(new PolicyError("circle.radiusMetres", "must be between " + MIN_RADIUS_METRES + " and "
                    + MAX_RADIUS_METRES));
        } else {
            radius = r.asInt();
        }
        return Geofence.circle(0, name, lat, lon, radius);
    }

    private static Geofence polygon(JsonNode node, String name, List<PolicyError> errors) {
        if (!node.isArray()) {
            errors.add(new PolicyError("polygon", "must be a list of vertices {\"latitude\": .., \"longitude\": ..}"));
            return null;
        }
        int before = errors.size();
        List<double[]> vertices = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            String at = "polygon[" + i + "].";
            if (!v.isObject()) {
                errors.add(new PolicyError("polygon[" + i + "]", "must be an object with latitude and longitude"));
                continue;
            }
            vertices.add(new double[] {coordinate(v, at, "latitude", 90, errors),
                    coordinate(v, at, "longitude", 180, errors)});
        }
        if (errors.size() > before) {
            return null;
        }
        int n = vertices.size();
        if (n > 1 && same(vertices.get(0), vertices.get(n - 1))) {
            vertices.remove(n - 1); // a closed ring: the repeated first vertex says nothing new
            n--;
        }
        if (n < MIN_VERTICES || n > MAX_VERTICES) {
            errors.add(new PolicyError("polygon", "needs " + MIN_VERTICES + " to " + MAX_VERTICES
                    + " distinct vertices, has " + n));
            return null;
        }
        double minLon = Double.MAX_VALUE;
        double maxLon = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (same(vertices.get(i), vertices.get((i + 1) % n))) {
                errors.add(new PolicyError("polygon[" + (i + 1) % n + "]", "repeats the vertex before it"));
                return null;
            }
            minLon = Math.min(minLon, vertices.get(i)[1]);
            maxLon = Math.max(maxLon, vertices.get(i)[1]);
        }
        if (maxLon - minLon >= 180) {
            errors.add(new PolicyError("polygon", "spans 180 degrees of longitude or more (split it at the"
                    + " antimeridian)"));
            return null;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (j == i + 1 || (i == 0 && j == n - 1)) {
                    continue; // neighbours share a vertex
                }
                if (cross(vertices.get(i), vertices.get((i + 1) % n), vertices.get(j), vertices.get((j + 1) % n))) {
                    errors.add(new PolicyError("polygon", "edge " + i + " crosses edge " + j
                            + ": the polygon must not intersect itself"));
                    return null;
                }
            }
        }
        double area = 0;
        for (int i = 0; i < n; i++) {
            double[] a = vertices.get(i);
            double[] b = vertices.get((i + 1) % n);
            area += a[1] * b[0] - b[1] * a[0];
        }
        if (Math.abs(area) < 1e-12) {
            errors.add(new PolicyError("polygon", "encloses no area (its vertices lie on one line)"));
            return null;
        }
        return Geofence.polygon(0, name, vertices);
    }

    private static boolean same(double[] a, double[] b) {
        return a[0] == b[0] && a[1] == b[1];
    }

    /** True when segments ab and cd share a point (touching counts: a polygon must not touch itself either). */
    private static boolean cross(double[] a, double[] b, double[] c, double[] d) {
        double d1 = orientation(c, d, a);
        double d2 = orientation(c, d, b);
        double d3 = orientation(a, b, c);
        double d4 = orientation(a, b, d);
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
            return true;
        }
        return d1 == 0 && onSegment(c, d, a) || d2 == 0 && onSegment(c, d, b)
                || d3 == 0 && onSegment(a, b, c) || d4 == 0 && onSegment(a, b, d);
    }

    private static double orientation(double[] p, double[] q, double[] r) {
        return (q[1] - p[1]) * (r[0] - p[0]) - (q[0] - p[0]) * (r[1] - p[1]);
    }

    private static boolean onSegment(double[] p, double[] q, double[] r) {
        return Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0])
                && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
    }

    private static double coordinate(JsonNode node, String prefix, String field, double bound,
                                     List<PolicyError> errors) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            errors.add(new PolicyError(prefix + field, "is required, a number of degrees"));
            return 0;
        }
        double value = v.asDouble();
        if (!(value >= -bound && value <= bound)) {
            errors.add(new PolicyError(prefix + field, "must be between " + (int) -bound + " and " + (int) bound));
            return 0;
        }
        return value;
    }
}
