package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.privacy.EventKind;
import dev.telemask.storage.query.WebhookStore;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /webhooks}: a fleet's endpoints for its events, and their deliveries (dead letters included). Admins only;
 * the signing secret is shown once, when the webhook is made. Endpoints are HTTPS, or HTTP on a loopback address.
 */
final class WebhookResource {
    /** The kind that subscribes to every stored exact or coarsened position of the fleet. */
    private static final String POSITION_KIND = "position";
    private static final int MAX_URL_LENGTH = 2_000;
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1_000;
    private static final Set<String> STATES = Set.of("pending", "delivered", "dead");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore webhooks;
    private final AuditTrail audit;

    WebhookResource(WebhookStore webhooks, AuditTrail audit) {
        this.webhooks = webhooks;
        this.audit = audit;
    }

    void register(Router router, Set<Role> admins) {
        router.add("GET", "/webhooks", admins, this::list)
                .add("POST", "/webhooks", admins, this::create)
                .add("DELETE", "/webhooks/{id}", admins, this::delete)
                .add("GET", "/webhooks/{id}/deliveries", admins, this::deliveries);
    }

    private void list(ApiRequest request) throws SQLException, IOException {
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        for (WebhookStore.Webhook hook : webhooks.list(request.caller().tenantId())) {
            ObjectNode node = items.addObject().put("id", Long.toString(hook.id())).put("url", hook.url());
            hook.kinds().forEach(node.putArray("kinds")::add);
            node.put("createdAt", hook.createdAt().toString());
        }
        request.respond(200, ApiRequest.JSON.createObjectNode().set("webhooks", items));
    }

    private void create(ApiRequest request) throws SQLException, IOException {
        JsonNode body = request.jsonBody();
        String url = url(body.get("url"));
        List<String> kinds = kinds(body.get("kinds"));
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = "whsec_" + HexFormat.of().formatHex(secretBytes);
        Caller caller = request.caller();
        long id = webhooks.add(caller.tenantId(), url, kinds, secret, caller.actor());
        if (id < 0) {
            throw ApiError.conflict(null, "your fleet has " + WebhookStore.MAX_WEBHOOKS_PER_FLEET
                    + " webhooks, the most it may have; delete one first");
        }
        // Its host only: a receiver's path or query may be a secret of its own (capability URLs).
        ObjectNode details = ApiRequest.JSON.createObjectNode().put("host", java.net.URI.create(url).getHost());
        kinds.forEach(details.putArray("kinds")::add);
        audit.change(caller, "webhook.create", "webhook:" + id, details);
        ObjectNode answer = ApiRequest.JSON.createObjectNode().put("id", Long.toString(id)).put("url", url);
        kinds.forEach(answer.putArray("kinds")::add);
        answer.put("secret", secret);
        request.respond(201, answer);
    }

    private void delete(ApiRequest request) throws SQLException, IOException {
        long id = id(request);
        Caller caller = request.caller();
        if (!webhooks.delete(caller.tenantId(), id)) {
            throw ApiError.notFound("webhook " + id);
        }
        audit.change(caller, "webhook.delete", "webhook:" + id, null);
        request.respondEmpty(204);
    }

    private void deliveries(ApiRequest request) throws SQLException, IOException {
        long id = id(request);
        String state = request.query("state");
        if (state != null && !STATES.contains(state)) {
            throw ApiError.badRequest("state", "one of pending, delivered, dead");
        }
        int limit = RangeParameters.limit(request, DEFAULT_LIMIT, MAX_LIMIT);
        List<WebhookStore.Delivery> found = webhooks.deliveries(request.caller().tenantId(), id, state, limit);
        if (found == null) {
            throw ApiError.notFound("webhook " + id);
        }
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        for (WebhookStore.Delivery d : found) {
            ObjectNode node = items.addObject().put("id", Long.toString(d.id())).put("state", d.state())
                    .put("attempts", d.attempts()).put("createdAt", d.createdAt().toString());
            if (d.state().equals("pending")) {
                node.put("nextAttemptAt", d.nextAttemptAt().toString());
            }
            if (d.deliveredAt() != null) {
                node.put("deliveredAt", d.deliveredAt().toString());
            }
            node.put("lastError", d.lastError());
            node.set("payload", ApiRequest.JSON.readTree(d.payload()));
        }
        request.respond(200, ApiRequest.JSON.createObjectNode().set("deliveries", items));
    }

    private static long id(ApiRequest request) {
        String raw = request.pathParameter("id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "a webhook id is a number, got \"" + RangeParameters.shortened(raw) + "\"");
        }
    }

    /** An absolute HTTPS URL, or HTTP to a loopback address (a receiver on the gateway's own machine). */
    static String url(JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_URL_LENGTH) {
            throw ApiError.badRequest("url", "is required, an https:// URL of at most " + MAX_URL_LENGTH
                    + " characters");
        }
        URI uri;
        try {
            uri = new URI(node.asText());
        } catch (URISyntaxException e) {
            throw ApiError.badRequest("url", "is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            throw ApiError.badRequest("url", "must be an absolute URL with a host, no user info and no fragment");
        }
        if (scheme.equals("http")) {
            if (!isLoopback(uri.getHost())) {
                throw ApiError.badRequest("url", "must be https://; plain http:// only to a loopback address");
            }
        } else if (!scheme.equals("https")) {
            throw ApiError.badRequest("url", "must be https://");
        } else {
            String refused = dev.telemask.gateway.webhook.WebhookTarget.refusal(uri);
            if (refused != null) {
                throw ApiError.badRequest("url", "must reach a public address (" + refused + ")");
            }
        }
        return uri.toString();
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literal addresses: a name is never resolved here, so DNS cannot turn it into a loopback one.
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<String> kinds(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiError.badRequest("kinds", "is required, a non-empty list of event kinds ("
                    + EventKind.wireNames() + ") or " + POSITION_KIND);
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode kind = node.get(i);
            if (!kind.isTextual() || EventKind.ofWireName(kind.asText()) == null
                    && !POSITION_KIND.equals(kind.asText())) {
                throw ApiError.badRequest("kinds[" + i + "]", "not an event kind (" + EventKind.wireNames() + ") or "
                        + POSITION_KIND);
            }
            kinds.add(kind.asText());
        }
        return new ArrayList<>(kinds);
    }
}
