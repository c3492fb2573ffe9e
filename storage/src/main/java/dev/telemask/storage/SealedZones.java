package dev.telemask.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.privacy.HiddenDisc;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Privacy zone centres as the database keeps them: sealed. A stored policy document's zones carry an {@code id},
 * {@code name}, {@code radiusMetres} and {@code sealedCentre} (see {@link FieldSealer}), never a latitude or a
 * longitude. This class seals a validated document for storage, opens a stored one for the engine, and makes the
 * view every API role gets: name, radius and what the zone hides, from which the centre cannot be computed.
 */
public final class SealedZones {
    /** The stored field of a sealed centre. */
    public static final String SEALED_CENTRE = "sealedCentre";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FieldSealer sealer;

    /** A zone's centre in degrees, opened. */
    public record Centre(double latitude, double longitude) {
    }

    public SealedZones(FieldSealer sealer) {
        this.sealer = Objects.requireNonNull(sealer, "sealer");
    }

    /** The deployment's field sealer this store seals with; other secrets kept in the database use it too. */
    public FieldSealer sealer() {
        return sealer;
    }

    /** A new zone id: random, so that it says nothing about the zone. */
    public static String newId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return "z" + HexFormat.of().formatHex(bytes);
    }

    /** Seals the centre of zone {@code zoneId}; the exact doubles come back from {@link #openCentre}. */
    public String sealCentre(String zoneId, double latitude, double longitude) {
        return sealer.seal(context(zoneId),
                ByteBuffer.allocate(16).putDouble(latitude).putDouble(longitude).array());
    }

    /** Opens a centre {@link #sealCentre} made for {@code zoneId}; {@link SealedRecordException} when it does not. */
    public Centre openCentre(String zoneId, String sealed) {
        byte[] plain = sealer.open(context(zoneId), sealed);
        if (plain.length != 16) {
            throw new SealedRecordException("the sealed centre of zone " + zoneId + " is not a centre");
        }
        ByteBuffer buffer = ByteBuffer.wrap(plain);
        return new Centre(buffer.getDouble(), buffer.getDouble());
    }

    /**
     * A normal-form document ({@code PolicyJson.toJson}, zones with clear centres, in order) made ready to store: zone
     * {@code i} gets {@code ids.get(i)} (null: a new id) and its centre sealed.
     */
    public String seal(String normalDocument, List<String> ids) {
        ObjectNode root = parse(normalDocument);
        JsonNode zones = root.path("zones");
        for (int i = 0; i < zones.size(); i++) {
            ObjectNode zone = (ObjectNode) zones.get(i);
            String id = i < ids.size() && ids.get(i) != null ? ids.get(i) : newId();
            sealZone(zone, id);
        }
        return write(root);
    }

    /**
     * A stored document made fully sealed under the current key: clear zones (left by an older version) get an id
     * and their centre sealed, centres sealed under an older key are sealed again. Empty when nothing changes.
     */
    public java.util.Optional<String> resealed(String storedDocument) {
        ObjectNode root = parse(storedDocument);
        boolean changed = false;
        for (JsonNode node : root.path("zones")) {
            ObjectNode zone = (ObjectNode) node;
            String id = zone.path("id").isTextual() ? zone.get("id").asText() : null;
            if (zone.has("latitude") || zone.has("longitude")) {
                sealZone(zone, id == null ? newId() : id);
                changed = true;
            } else if (zone.has(SEALED_CENTRE) && !sealer.sealedWithCurrentKey(zone.get(SEALED_CENTRE).asText())) {
                Centre centre = openCentre(id, zone.get(SEALED_CENTRE).asText());
                zone.put(SEALED_CENTRE, sealCentre(id, centre.latitude(), centre.longitude()));
                changed = true;
            }
        }
        return changed ? java.util.Optional.of(write(root)) : java.util.Optional.empty();
    }

    /** Whether a sealed value was sealed under the key that seals now. */
    public boolean current(String sealed) {
        return sealer.sealedWithCurrentKey(sealed);
    }

    /** A stored document with its centres opened, as the engine's {@code PolicyJson.parse} reads it. */
    public String open(String storedDocument) {
        ObjectNode root = parse(storedDocument);
        for (JsonNode node : root.path("zones")) {
            ObjectNode zone = (ObjectNode) node;
            JsonNode sealed = zone.remove(SEALED_CENTRE);
            if (sealed != null) {
                Centre centre = openCentre(zone.path("id").asText(), sealed.asText());
                zone.put("latitude", centre.latitude()).put("longitude", centre.longitude());
            }
        }
        return write(root);
    }

    /** The opened centres of a stored document's zones, by id. */
    public Map<String, Centre> centres(String storedDocument) {
        Map<String, Centre> centres = new LinkedHashMap<>();
        if (storedDocument == null) {
            return centres;
        }
        for (JsonNode zone : parse(storedDocument).path("zones")) {
            if (zone.path("id").isTextual() && zone.path(SEALED_CENTRE).isTextual()) {
                String id = zone.get("id").asText();
                centres.put(id, openCentre(id, zone.get(SEALED_CENTRE).asText()));
            }
        }
        return centres;
    }

    /**
     * What every API role sees of a stored document: each zone's id, name and radius, that its centre is sealed,
     * and what it hides; never a centre, sealed or clear (also of a document an older version left in clear).
     */
    public static ObjectNode publicView(String storedDocument) {
        ObjectNode root = parse(storedDocument);
        for (JsonNode node : root.path("zones")) {
            ObjectNode zone = (ObjectNode) node;
            zone.remove(List.of("latitude", "longitude", SEALED_CENTRE));
            zone.put("centre", "sealed");
            zone.set("hides", hides(zone.path("radiusMetres").asInt()));
        }
        return root;
    }

    /**
     * What a zone of {@code radiusMetres} hides, in ranges that follow from the radius alone: a keyed disc around a
     * point offset from the centre, and a keyed trail after leaving it.
     */
    public static ObjectNode hides(int radiusMetres) {
        return hides(radiusMetres, radiusMetres);
    }

    /** As {@link #hides(int)}, for a zone of {@code radiusMetres} whose disc is drawn for {@code drawnForMetres}. */
    public static ObjectNode hides(int drawnForMetres, int radiusMetres) {
        HiddenDisc.Extent extent = HiddenDisc.extentOf(drawnForMetres, radiusMetres);
        ObjectNode hides = JSON.createObjectNode();
        hides.put("region", "a disc holding the zone, centred on a keyed point away from the zone's centre, and a"
                + " keyed distance of travel after leaving it");
        hides.set("discRadiusMetres", range(extent.discRadiusMinMetres(), extent.discRadiusMaxMetres()));
        hides.set("discOffsetMetres", range(extent.offsetMinMetres(), extent.offsetMaxMetres()));
        hides.set("trailMetres", range(extent.trailMinMetres(), extent.trailMaxMetres()));
        return hides;
    }

    private static ArrayNode range(double min, double max) {
        return JSON.createArrayNode().add(Math.round(min)).add(Math.round(max));
    }

    private void sealZone(ObjectNode zone, String id) {
        double latitude = zone.path("latitude").asDouble();
        double longitude = zone.path("longitude").asDouble();
        zone.remove(List.of("latitude", "longitude", "id", SEALED_CENTRE));
        // id first, for readers of the stored document
        ObjectNode ordered = JSON.createObjectNode().put("id", id);
        ordered.setAll(zone);
        zone.removeAll();
        zone.setAll(ordered);
        zone.put(SEALED_CENTRE, sealCentre(id, latitude, longitude));
    }

    private static String context(String zoneId) {
        return "zone:" + zoneId;
    }

    private static ObjectNode parse(String document) {
        try {
            JsonNode node = JSON.readTree(document);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("a policy document is a JSON object");
            }
            return object;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a stored policy document is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serialises", e);
        }
    }
}
