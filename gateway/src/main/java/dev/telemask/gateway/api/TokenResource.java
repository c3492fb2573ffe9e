package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

/**
 * {@code /tokens}: the fleet's API tokens, for its admins. A token is shown once, when it is made; only its hash is
 * stored. Every token made here expires (at most a year ahead, and with the token it was made with at the latest)
 * and follows its maker: it is revoked when the signed-in admin who made it is demoted or deleted, or when the token
 * it was made with is revoked (see the migration V33). Creating and revoking are audited.
 */
final class TokenResource {
    static final Duration DEFAULT_EXPIRY = Duration.ofDays(90);
    static final Duration MAX_EXPIRY = Duration.ofDays(366);
    private static final int MAX_NAME = 100;
    /** Tokens per page of the list, and its default. */
    static final int MAX_LISTED = 1_000;

    private final ApiTokens tokens;
    private final AuditTrail audit;

    TokenResource(ApiTokens tokens, AuditTrail audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    void register(Router router, Set<Role> admins) {
        router.add("GET", "/tokens", admins, this::list)
                .add("POST", "/tokens", admins, this::create)
                .add("DELETE", "/tokens/{id}", admins, this::revoke);
    }

    /**
     * A page of the fleet's tokens in id order, the next page's cursor (the last id) in {@code nextCursor} and
     * {@code X-Next-Cursor}.
     */
    private void list(ApiRequest request) throws SQLException {
        int limit = RangeParameters.limit(request, MAX_LISTED, MAX_LISTED);
        long after = ListCursor.id(request);
        ApiTokens.Page page = tokens.page(request.caller().tenantId(), after, limit);
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        for (ApiTokens.Listed token : page.tokens()) {
            ObjectNode json = items.addObject();
            json.put("id", token.id());
            json.put("name", token.name());
            json.put("role", token.role().dbName());
            json.put("device", token.device() == null ? null : Imei.format(token.device()));
            json.put("prefix", token.prefix());
            json.put("createdAt", token.createdAt().toString());
            json.put("expiresAt", token.expiresAt() == null ? null : token.expiresAt().toString());
            json.put("revokedAt", token.revokedAt() == null ? null : token.revokedAt().toString());
            json.put("live", token.live());
        }
        ListCursor.respond(request, items, page.more() ? Long.toString(page.tokens().getLast().id()) : null);
    }

    private void create(ApiRequest request) throws SQLException {
        JsonNode body = request.jsonBody();
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()
                || nameNode.asText().length() > MAX_NAME) {
            throw ApiError.badRequest("name", "is required: 1 to " + MAX_NAME + " characters saying who uses it");
        }
        RoleAndDevice roleAndDevice = RoleAndDevice.of(body, "token");
        Role role = roleAndDevice.role();
        Long device = roleAndDevice.device();
        Duration expiresIn = RangeParameters.duration("expiresIn", body.get("expiresIn"), DEFAULT_EXPIRY, MAX_EXPIRY);
        Caller caller = request.caller();
        ApiTokens.Created created;
        try {
            created = tokens.create(caller, role, device, nameNode.asText().strip(), expiresIn)
                    .orElseThrow(() -> ApiError.unauthorized("your admin rights ended while the token was made"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("device", e.getMessage());
        }
        ObjectNode details = ApiRequest.JSON.createObjectNode().put("role", role.dbName())
                .put("expiresAt", created.expiresAt().toString());
        audit.change(caller, "token.create", "token:" + created.id(), details);
        ObjectNode json = ApiRequest.JSON.createObjectNode();
        json.put("id", created.id());
        json.put("token", created.token());
        json.put("prefix", created.prefix());
        json.put("name", nameNode.asText().strip());
        json.put("role", role.dbName());
        json.put("device", device == null ? null : Imei.format(device));
        json.put("expiresAt", created.expiresAt().toString());
        request.respond(201, json);
    }


    private void revoke(ApiRequest request) throws SQLException {
        long id;
        try {
            id = Long.parseLong(request.pathParameter("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "must be a token id (a number)");
        }
        Caller caller = request.caller();
        if (!tokens.revoke(caller.tenantId(), id)) {
            throw ApiError.notFound("live token " + id);
        }
        audit.change(caller, "token.revoke", "token:" + id, null);
        request.respondEmpty(204);
    }
}
