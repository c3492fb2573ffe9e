package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.gateway.ingest.DeviceCommandText;
import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.DeviceCommand;
import dev.telemask.storage.query.DeviceCommands;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code /devices/{imei}/commands} and {@code /commands/allowed}: commands to devices (Codec 12), for admins only and
 * audited. A command goes to the device over its open connection on whichever instance holds it, or waits queued
 * until its expiry; only commands on the fleet's allow-list may be sent, and the answer to one that reveals the
 * device's location is stored as the device's policy lets it show.
 */
final class CommandResource {
    static final Duration DEFAULT_EXPIRY = Duration.ofHours(1);
    static final Duration MAX_EXPIRY = Duration.ofDays(7);
    private static final Pattern COMMAND_NAME = Pattern.compile("[a-z0-9_]{1,32}");
    private static final int MAX_LISTED = 100;

    private final DeviceCommands commands;
    private final DeviceAccess access;
    private final AuditTrail audit;
    private final Clock clock;

    CommandResource(DeviceCommands commands, DeviceAccess access, AuditTrail audit, Clock clock) {
        this.commands = commands;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Router router, Set<Role> admins) {
        router.add("POST", "/devices/{imei}/commands", admins, this::send)
                .add("GET", "/devices/{imei}/commands", admins, this::list)
                .add("GET", "/devices/{imei}/commands/{id}", admins, this::get)
                .add("GET", "/commands/allowed", admins, this::allowed)
                .add("PUT", "/commands/allowed", admins, this::setAllowed);
    }

    private void send(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        JsonNode body = request.jsonBody();
        JsonNode textNode = body.get("text");
        if (textNode == null || !textNode.isTextual()) {
            throw ApiError.badRequest("text", "is required: the command as the device takes it, e.g. \"getinfo\"");
        }
        String text = textNode.asText();
        String problem = DeviceCommandText.problem(text);
        if (problem != null) {
            throw ApiError.badRequest("text", problem);
        }
        Duration expiry = RangeParameters.duration("expiresIn", body.get("expiresIn"), DEFAULT_EXPIRY, MAX_EXPIRY);
        Caller caller = request.caller();
        String name = DeviceCommandText.name(text);
        Set<String> allowed = commands.allowed(caller.tenantId());
        if (!allowed.contains(name) || !DeviceCommandText.SENDABLE.contains(name)) {
            throw ApiError.forbidden("command '" + name + "' is not on this fleet's allow-list " + allowed
                    + "; an admin can change it with PUT /commands/allowed");
        }
        DeviceCommand queued = commands.queue(caller.tenantId(), device.imei(), text,
                DeviceCommandText.revealsLocation(name), caller.actor(), clock.instant().plus(expiry));
        audit.device(caller, "command.queue", device.imei(), null, queued.id());
        request.respond(202, json(queued));
    }


    private void list(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        Caller caller = request.caller();
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        for (DeviceCommand command : commands.list(caller.tenantId(), device.imei(), MAX_LISTED)) {
            items.add(json(command));
        }
        audit.device(caller, "command.read", device.imei(), null, (long) items.size());
        request.respond(200, ApiRequest.JSON.createObjectNode().set("items", items));
    }

    private void get(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        Caller caller = request.caller();
        long id;
        try {
            id = Long.parseLong(request.pathParameter("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "must be a command id (a number)");
        }
        DeviceCommand command = commands.find(caller.tenantId(), device.imei(), id)
                .orElseThrow(() -> ApiError.notFound("command " + id + " of device " + device.imei()));
        audit.device(caller, "command.read", device.imei(), null, 1L);
        request.respond(200, json(command));
    }

    private void allowed(ApiRequest request) throws SQLException {
        request.respond(200, allowedJson(commands.allowed(request.caller().tenantId())));
    }

    private void setAllowed(ApiRequest request) throws SQLException {
        JsonNode list = request.jsonBody().get("commands");
        if (list == null || !list.isArray()) {
            throw ApiError.badRequest("commands", "is required: an array of command names, e.g. [\"getinfo\"]");
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode name : list) {
            if (!name.isTextual() || !COMMAND_NAME.matcher(name.asText()).matches()) {
                throw ApiError.badRequest("commands", "each must be a command name of 1 to 32 lower-case letters,"
                        + " digits or underscores, got " + name);
            }
            if (!DeviceCommandText.SENDABLE.contains(name.asText())) {
                throw ApiError.badRequest("commands", "'" + name.asText() + "' is not a command the gateway sends;"
                        + " it sends only " + new TreeSet<>(DeviceCommandText.SENDABLE) + " (none that reconfigures"
                        + " the device, which could send its positions past the privacy engine)");
            }
            names.add(name.asText());
        }
        Caller caller = request.caller();
        commands.setAllowed(caller.tenantId(), names);
        ObjectNode details = ApiRequest.JSON.createObjectNode();
        names.forEach(details.putArray("commands")::add);
        audit.change(caller, "commands.allowed", "tenant:" + caller.tenantId(), details);
        request.respond(200, allowedJson(commands.allowed(caller.tenantId())));
    }

    private static ObjectNode allowedJson(Set<String> allowed) {
        ObjectNode json = ApiRequest.JSON.createObjectNode();
        ArrayNode names = json.putArray("commands");
        allowed.forEach(names::add);
        ArrayNode revealing = json.putArray("revealLocation");
        allowed.stream().filter(DeviceCommandText::revealsLocation).forEach(revealing::add);
        return json;
    }

    static ObjectNode json(DeviceCommand c) {
        ObjectNode json = ApiRequest.JSON.createObjectNode();
        json.put("id", c.id());
        json.put("imei", Imei.format(c.imei()));
        json.put("text", c.text());
        json.put("revealsLocation", c.revealsLocation());
        json.put("state", c.state());
        json.put("createdAt", c.createdAt().toString());
        json.put("createdBy", c.createdBy());
        json.put("expiresAt", c.expiresAt().toString());
        json.put("sentAt", c.sentAt() == null ? null : c.sentAt().toString());
        json.put("answeredAt", c.answeredAt() == null ? null : c.answeredAt().toString());
        json.put("answer", c.answer());
        json.put("answerTreatment", c.answerTreatment());
        return json;
    }
}
