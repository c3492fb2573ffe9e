package dev.telemask.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the policy document (JSON, as stored and served by the API). Reading validates everything and
 * reports every problem at once, each with the field's path ({@code zones[1].radiusMetres}) and the reason.
 *
 * <pre>{@code
 * { "version": 3,
 *   "consent": { "location": true, "driverIdentity": false, "telemetry": true },
 *   "privateTrips": { "privateModeIo": { "id": 391, "value": 1 },
 *                     "businessSchedule": { "timeZone": "Europe/Berlin",
 *                                           "days": { "monday": ["07:00-19:00"], ... } },
 *                     "privateRecords": "mask",
 *                     "graceWindow": "PT2M", "maxRecordGap": "PT1M", "maxParkedGap": "PT2H", "anchorDelay": "PT5S" },
 *   "coarsening": { "gridMetres": 500 },            // or "off"
 *   "zones": [ { "name": "home", "latitude": 52.52, "longitude": 13.40, "radiusMetres": 300 } ],
 *   "driverZones": { "minRadiusMetres": 300 },      // the smallest zone a driver may set for their device
 *   "io": { "keep": "all" },                         // or { "keep": [16, 239, 240] }
 *   "events": { "overspeedKmh": 110 } }              // optional; no overspeed events without it
 * }</pre>
 */
public final class PolicyJson {
    public static final int MIN_GRID_METRES = 100;
    public static final int MAX_GRID_METRES = 100_000;
    /** Bounds of {@code events.overspeedKmh}: a Teltonika speed is whole km/h, and none drives faster. */
    public static final int MIN_OVERSPEED_KMH = 5;
    public static final int MAX_OVERSPEED_KMH = 400;
    private static final int MAX_ZONES = 100;
    private static final int MAX_NAME_LENGTH = 100;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** What a zone's id looks like: ids are made by the API, never chosen by hand. */
    /** A policy zone's {@link PrivacyZone#drawId}: this and its id (a driver's zone's is {@code device-zone:<id>}). */
    static final String POLICY_ZONE_DRAW = "policy-zone:";
    public static final java.util.regex.Pattern ZONE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private PolicyJson() {}

    /** Parses and validates a policy document; throws {@link PolicyValidationException} listing every error. */
    public static Policy parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PolicyValidationException(List.of(new PolicyError("$", "not valid JSON: " + e.getOriginalMessage())));
        }
        return new Reader().read(root);
    }

    /** Writes {@code policy} as a document {@link #parse} reads back to an equal policy. */
    public static String toJson(Policy policy) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", policy.version());
        ObjectNode consent = root.putObject("consent");
        consent.put("location", policy.consent().location());
        consent.put("driverIdentity", policy.consent().driverIdentity());
        consent.put("telemetry", policy.consent().telemetry());
        ObjectNode trips = root.putObject("privateTrips");
        trips.putObject("privateModeIo").put("id", policy.privateModeIoId()).put("value", policy.privateModeValue());
        if (policy.schedule() != null) {
            ObjectNode schedule = trips.putObject("businessSchedule");
            schedule.put("timeZone", policy.schedule().timeZone().getId());
            ObjectNode days = schedule.putObject("days");
            for (DayOfWeek day : DayOfWeek.values()) {
                List<TimeRange> ranges = policy.schedule().rangesOn(day);
                if (!ranges.isEmpty()) {
                    ArrayNode list = days.putArray(day.name().toLowerCase(Locale.ROOT));
                    ranges.forEach(range -> list.add(range.toString()));
                }
            }
        }
        trips.put("privateRecords", policy.privateRecords().name().toLowerCase(Locale.ROOT));
        trips.put("graceWindow", policy.timing().graceWindow().toString());
        trips.put("maxRecordGap", policy.timing().maxRecordGap().toString());
        trips.put("maxParkedGap", policy.timing().maxParkedGap().toString());
        trips.put("anchorDelay", policy.timing().anchorDelay().toString());
        if (policy.coarseningMetres() > 0) {
            root.putObject("coarsening").put("gridMetres", policy.coarseningMetres());
        } else {
            root.put("coarsening", "off");
        }
        root.putObject("driverZones").put("minRadiusMetres", policy.driverZoneMinRadiusMetres());
        ArrayNode zones = root.putArray("zones");
        for (PrivacyZone zone : policy.zones()) {
            ObjectNode z = zones.addObject();
            if (zone.name() != null) {
                z.put("name", zone.name());
            }
            z.put("latitude", zone.latitude()).put("longitude", zone.longitude()).put("radiusMetres", zone.radiusMetres());
        }
        ObjectNode io = root.putObject("io");
        if (policy.keptIo().all()) {
            io.put("keep", "all");
        } else {
            ArrayNode keep = io.putArray("keep");
            policy.keptIo().ids().forEach(keep::add);
        }
        if (policy.overspeedKmh() > 0) {
            root.putObject("events").put("overspeedKmh", policy.overspeedKmh());
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serialises", e);
        }
    }

    /** One parse: walks the tree and collects errors instead of stopping at the first. */
    private static final class Reader {
        private final List<PolicyError> errors = new ArrayList<>();

        Policy read(JsonNode root) {
            if (!root.isObject()) {
                throw new PolicyValidationException(List.of(new PolicyError("$", "must be a JSON object")));
            }
            allowOnly(root, "", "version", "consent", "privateTrips", "coarsening", "zones", "driverZones", "io",
                    "events");
            int version = (int) integer(root, "", "version", 1, Integer.MAX_VALUE, null);
            Consent consent = consent(root.get("consent"));
            JsonNode trips = root.path("privateTrips");
            int privateModeId = Policy.DEFAULT_PRIVATE_MODE_IO;
            long privateModeValue = Policy.DEFAULT_PRIVATE_MODE_VALUE;
            BusinessSchedule schedule = null;
            PrivateRecordHandling handling = PrivateRecordHandling.MASK;
            TripTiming timing = TripTiming.DEFAULT;
            if (isObject(trips, "privateTrips")) {
                allowOnly(trips, "privateTrips.", "privateModeIo", "businessSchedule", "privateRecords", "graceWindow",
                        "maxRecordGap", "maxParkedGap", "anchorDelay");
                JsonNode io = trips.path("privateModeIo");
                if (isObject(io, "privateTrips.privateModeIo")) {
                    allowOnly(io, "privateTrips.privateModeIo.", "id", "value");
                    privateModeId = (int) integer(io, "privateTrips.privateModeIo.", "id", 0, 0xFFFF, (long) privateModeId);
                    privateModeValue = integer(io, "privateTrips.privateModeIo.", "value", 0, 0xFFFF_FFFFL, privateModeValue);
                }
                schedule = schedule(trips.path("businessSchedule"));
                handling = handling(trips.path("privateRecords"));
                TripTiming d = TripTiming.DEFAULT;
                timing = new TripTiming(
                        duration(trips, "graceWindow", d.graceWindow(), Duration.ZERO, Duration.ofHours(1)),
                        duration(trips, "maxRecordGap", d.maxRecordGap(), Duration.ofSeconds(1), Duration.ofHours(1)),
                        duration(trips, "maxParkedGap", d.maxParkedGap(), Duration.ofSeconds(1), Duration.ofDays(2)),
                        duration(trips, "anchorDelay", d.anchorDelay(), Duration.ZERO, Duration.ofHours(1)));
            }
            int grid = coarsening(root.path("coarsening"));
            List<PrivacyZone> zones = zones(root.path("zones"));
            int driverZoneMin = driverZones(root.path("driverZones"));
            IoSelection keep = io(root.path("io"));
            int overspeed = events(root.path("events"));
            if (!errors.isEmpty()) {
                throw new PolicyValidationException(errors);
            }
            return new Policy(version, consent, privateModeId, privateModeValue, schedule, handling, grid, zones, keep,
                    timing, driverZoneMin, overspeed);
        }

        /** The overspeed threshold in km/h, 0 when the document sets none. */
        private int events(JsonNode node) {
            if (node.isMissingNode() || !isObject(node, "events")) {
                return 0;
            }
            allowOnly(node, "events.", "overspeedKmh");
            return (int) integer(node, "events.", "overspeedKmh", MIN_OVERSPEED_KMH, MAX_OVERSPEED_KMH, 0L);
        }

        private Consent consent(JsonNode node) {
            if (node == null || node.isMissingNode() || node.isNull()) {
                error("consent", "is required");
                return Consent.ALL;
            }
            if (!isObject(node, "consent")) {
                return Consent.ALL;
            }
            allowOnly(node, "consent.", "location", "driverIdentity", "telemetry");
            return new Consent(bool(node, "consent.", "location"), bool(node, "consent.", "driverIdentity"),
                    bool(node, "consent.", "telemetry"));
        }

        private BusinessSchedule schedule(JsonNode node) {
            String at = "privateTrips.businessSchedule";
            if (node.isMissingNode() || node.isNull() || !isObject(node, at)) {
                return null;
            }
            allowOnly(node, at + ".", "timeZone", "days");
            ZoneId zone = null;
            JsonNode tz = node.get("timeZone");
            if (tz == null || !tz.isTextual()) {
                error(at + ".timeZone", "is required, an IANA time zone such as \"Europe/Berlin\"");
            } else {
                try {
                    zone = ZoneId.of(tz.asText());
                } catch (DateTimeException e) {
                    error(at + ".timeZone", "unknown time zone \"" + tz.asText() + "\"");
                }
            }
            Map<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
            JsonNode daysNode = node.path("days");
            if (daysNode.isMissingNode()) {
                error(at + ".days", "is required");
            } else if (isObject(daysNode, at + ".days")) {
                daysNode.fields().forEachRemaining(entry -> {
                    String path = at + ".days." + entry.getKey();
                    DayOfWeek day = dayOf(entry.getKey());
                    if (day == null) {
                        error(path, "not a weekday (monday .. sunday)");
                    } else if (!entry.getValue().isArray()) {
                        error(path, "must be a list of \"HH:mm-HH:mm\" ranges");
                    } else {
                        days.put(day, ranges(entry.getValue(), path));
                    }
                });
            }
            return zone == null ? null : new BusinessSchedule(zone, days);
        }

        private List<TimeRange> ranges(JsonNode list, String path) {
            List<TimeRange> ranges = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                TimeRange range = item.isTextual() ? TimeRange.parse(item.asText()) : null;
                if (range == null) {
                    error(path + "[" + i + "]", "must be \"HH:mm-HH:mm\" with start before end, got " + item);
                } else {
                    ranges.add(range);
                }
            }
            return ranges;
        }

        private static DayOfWeek dayOf(String name) {
            for (DayOfWeek day : DayOfWeek.values()) {
                if (day.name().equalsIgnoreCase(name)) {
                    return day;
                }
            }
            return null;
        }

        /** An ISO-8601 duration such as {@code "PT2M"} within {@code [min, max]}, or {@code absent}. */
        private Duration duration(JsonNode parent, String field, Duration absent, Duration min, Duration max) {
            JsonNode node = parent.path(field);
            if (node.isMissingNode() || node.isNull()) {
                return absent;
            }
            String at = "privateTrips." + field;
            if (!node.isTextual()) {
                error(at, "must be an ISO-8601 duration such as \"PT2M\"");
                return absent;
            }
            try {
                Duration value = Duration.parse(node.asText());
                if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                    error(at, "must be between " + min + " and " + max + ", was " + value);
                    return absent;
                }
                return value;
            } catch (java.time.format.DateTimeParseException e) {
                error(at, "must be an ISO-8601 duration such as \"PT2M\"");
                return absent;
            }
        }

        private PrivateRecordHandling handling(JsonNode node) {
            if (node.isMissingNode()) {
                return PrivateRecordHandling.MASK;
            }
            for (PrivateRecordHandling h : PrivateRecordHandling.values()) {
                if (node.isTextual() && h.name().equalsIgnoreCase(node.asText())) {
                    return h;
                }
            }
            error("privateTrips.privateRecords", "must be \"mask\" or \"drop\"");
            return PrivateRecordHandling.MASK;
        }

        private int coarsening(JsonNode node) {
            if (node.isMissingNode() || (node.isTextual() && node.asText().equals("off"))) {
                return 0;
            }
            if (!node.isObject()) {
                error("coarsening", "must be \"off\" or { \"gridMetres\": n }");
                return 0;
            }
            allowOnly(node, "coarsening.", "gridMetres");
            return (int) integer(node, "coarsening.", "gridMetres", MIN_GRID_METRES, MAX_GRID_METRES, null);
        }

        private int driverZones(JsonNode node) {
            if (node.isMissingNode() || !isObject(node, "driverZones")) {
                return PrivacyZone.MIN_RADIUS_METRES;
            }
            allowOnly(node, "driverZones.", "minRadiusMetres");
            return (int) integer(node, "driverZones.", "minRadiusMetres", PrivacyZone.MIN_RADIUS_METRES,
                    PrivacyZone.MAX_RADIUS_METRES, (long) PrivacyZone.MIN_RADIUS_METRES);
        }

        private List<PrivacyZone> zones(JsonNode node) {
            List<PrivacyZone> zones = new ArrayList<>();
            if (node.isMissingNode()) {
                return zones;
            }
            if (!node.isArray()) {
                error("zones", "must be a list");
                return zones;
            }
            if (node.size() > MAX_ZONES) {
                error("zones", "at most " + MAX_ZONES + " zones");
            }
            for (int i = 0; i < node.size(); i++) {
                String at = "zones[" + i + "]";
                JsonNode z = node.get(i);
                if (!isObject(z, at)) {
                    continue;
                }
                // The id names a zone across versions (the API keeps a zone's sealed centre by it, and makes it for
                // a new zone); the engine draws the zone's hidden disc for it, so that no zone shares another's.
                allowOnly(z, at + ".", "id", "name", "latitude", "longitude", "radiusMetres");
                JsonNode id = z.get("id");
                if (id != null && !id.isNull() && !(id.isTextual() && ZONE_ID.matcher(id.asText()).matches())) {
                    error(at + ".id", "must be a zone id as the API gave it (1 to 40 letters, digits, '-' or '_')");
                }
                String name = null;
                JsonNode nameNode = z.get("name");
                if (nameNode != null && !nameNode.isNull()) {
                    if (!nameNode.isTextual() || nameNode.asText().length() > MAX_NAME_LENGTH) {
                        error(at + ".name", "must be text of at most " + MAX_NAME_LENGTH + " characters");
                    } else {
                        name = nameNode.asText();
                    }
                }
                double lat = decimal(z, at + ".", "latitude", -HiddenDisc.MAX_ABS_LATITUDE, HiddenDisc.MAX_ABS_LATITUDE);
                double lon = decimal(z, at + ".", "longitude", -180, 180);
                int radius = (int) integer(z, at + ".", "radiusMetres",
                        PrivacyZone.MIN_RADIUS_METRES, PrivacyZone.MAX_RADIUS_METRES, null);
                String drawId = id != null && id.isTextual() ? POLICY_ZONE_DRAW + id.asText() : "";
                zones.add(new PrivacyZone(name, lat, lon, radius, radius, drawId));
            }
            return zones;
        }

        private IoSelection io(JsonNode node) {
            if (node.isMissingNode() || !isObject(node, "io")) {
                return IoSelection.ALL;
            }
            allowOnly(node, "io.", "keep");
            JsonNode keep = node.path("keep");
            if (keep.isMissingNode() || (keep.isTextual() && keep.asText().equals("all"))) {
                return IoSelection.ALL;
            }
            if (!keep.isArray()) {
                error("io.keep", "must be \"all\" or a list of IO element IDs");
                return IoSelection.ALL;
            }
            Set<Integer> ids = new LinkedHashSet<>();
            for (int i = 0; i < keep.size(); i++) {
                JsonNode id = keep.get(i);
                if (!id.canConvertToInt() || !id.isIntegralNumber() || id.asInt() < 0 || id.asInt() > 0xFFFF) {
                    error("io.keep[" + i + "]", "must be an IO element ID between 0 and 65535");
                } else {
                    ids.add(id.asInt());
                }
            }
            return IoSelection.only(ids);
        }

        private boolean isObject(JsonNode node, String path) {
            if (node.isMissingNode()) {
                return false;
            }
            if (!node.isObject()) {
                error(path, "must be an object");
                return false;
            }
            return true;
        }

        private void allowOnly(JsonNode node, String prefix, String... names) {
            node.fieldNames().forEachRemaining(field -> {
                if (!List.of(names).contains(field)) {
                    error(prefix + field, "unknown field");
                }
            });
        }

        private boolean bool(JsonNode node, String prefix, String field) {
            JsonNode value = node.get(field);
            if (value == null || !value.isBoolean()) {
                error(prefix + field, "is required, true or false");
                return false;
            }
            return value.asBoolean();
        }

        private long integer(JsonNode node, String prefix, String field, long min, long max, Long absent) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                if (absent == null) {
                    error(prefix + field, "is required");
                    return min;
                }
                return absent;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                error(prefix + field, "must be a whole number");
                return min;
            }
            long v = value.asLong();
            if (v < min || v > max) {
                error(prefix + field, "must be between " + min + " and " + max);
                return min;
            }
            return v;
        }

        private double decimal(JsonNode node, String prefix, String field, double min, double max) {
            JsonNode value = node.get(field);
            if (value == null || !value.isNumber()) {
                error(prefix + field, "is required, a number");
                return 0;
            }
            double v = value.asDouble();
            if (!(v >= min && v <= max)) {
                error(prefix + field, "must be between " + fmt(min) + " and " + fmt(max));
                return 0;
            }
            return v;
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }

        private void error(String field, String reason) {
            errors.add(new PolicyError(field, reason));
        }
    }
}
