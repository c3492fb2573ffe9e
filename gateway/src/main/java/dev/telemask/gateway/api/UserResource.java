package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.gateway.account.AccountPolicy;
import dev.telemask.gateway.account.PasswordHashes;
import dev.telemask.storage.query.UserStore;

import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /users}: the fleet's console users, for its admins: create (with a first password), change the role,
 * reset the password (which ends the user's sessions and starts a new credential epoch: whoever signs in with the new
 * password owns none of the driver zones placed before), lift a lock-out, delete. Never answers a password's hash;
 * every change is audited, without the password.
 */
final class UserResource {
    /** Users per page of the list, and its default. */
    static final int MAX_LISTED = 1_000;
    private static final int MAX_USERNAME = 128;

    private final UserStore users;
    private final PasswordHashes hashes;
    private final AuditTrail audit;

    UserResource(UserStore users, PasswordHashes hashes, AuditTrail audit) {
        this.users = users;
        this.hashes = hashes;
        this.audit = audit;
    }

    void register(Router router, Set<Role> admins) {
        router.add("GET", "/users", admins, this::list)
                .add("POST", "/users", admins, this::create)
                .add("PATCH", "/users/{id}", admins, this::update)
                .add("PUT", "/users/{id}/password", admins, this::resetPassword)
                .add("POST", "/users/{id}/unlock", admins, this::unlock)
                .add("DELETE", "/users/{id}", admins, this::delete);
    }

    /**
     * A page of the fleet's users by username, the next page's cursor (the last username) in {@code nextCursor} and
     * {@code X-Next-Cursor}.
     */
    private void list(ApiRequest request) throws SQLException {
        int limit = RangeParameters.limit(request, MAX_LISTED, MAX_LISTED);
        String cursor = request.query("cursor");
        if (cursor != null && (cursor.isEmpty() || cursor.length() > MAX_USERNAME)) {
            throw ApiError.badRequest("cursor", "is the nextCursor of the page before, a username of 1 to "
                    + MAX_USERNAME + " characters");
        }
        UserStore.Page page = users.page(request.caller().tenantId(), cursor, limit);
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        for (UserStore.StoredUser user : page.users()) {
            items.add(json(user));
        }
        ListCursor.respond(request, items, page.more() ? page.users().getLast().username() : null);
    }

    private void create(ApiRequest request) throws SQLException {
        JsonNode body = request.jsonBody();
        String username;
        try {
            username = AccountPolicy.username(body.path("username").isTextual() ? body.get("username").asText() : null);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("username", e.getMessage());
        }
        String password = newPassword(body, "password");
        RoleAndDevice role = RoleAndDevice.of(body, "user");
        Caller caller = request.caller();
        Optional<Long> id;
        try {
            id = users.insert(caller.tenantId(), username, role.role().dbName(), role.device(), hashes.hash(password));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("device", e.getMessage());
        }
        if (id.isEmpty()) {
            throw ApiError.conflict("username", "this fleet already has a user named '" + username + "'");
        }
        audit.change(caller, "user.create", PasswordSignIn.userTarget(id.get()), ApiRequest.JSON.createObjectNode()
                .put("username", username).put("role", role.role().dbName()));
        request.respond(201, json(users.find(caller.tenantId(), id.get()).orElseThrow()));
    }

    private void update(ApiRequest request) throws SQLException {
        long id = id(request);
        RoleAndDevice role = RoleAndDevice.of(request.jsonBody(), "user");
        Caller caller = request.caller();
        boolean changed;
        try {
            changed = users.changeRole(caller.tenantId(), id, role.role().dbName(), role.device());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("device", e.getMessage());
        }
        if (!changed) {
            throw ApiError.notFound("user " + id);
        }
        audit.change(caller, "user.update", PasswordSignIn.userTarget(id), ApiRequest.JSON.createObjectNode()
                .put("role", role.role().dbName()));
        request.respond(200, json(users.find(caller.tenantId(), id).orElseThrow()));
    }

    private void resetPassword(ApiRequest request) throws SQLException {
        long id = id(request);
        String password = newPassword(request.jsonBody(), "password");
        Caller caller = request.caller();
        if (!users.resetPassword(caller.tenantId(), id, hashes.hash(password))) {
            throw ApiError.notFound("user " + id);
        }
        audit.change(caller, "user.password.reset", PasswordSignIn.userTarget(id), null);
        request.respondEmpty(204);
    }

    private void unlock(ApiRequest request) throws SQLException {
        change(request, "user.unlock", users::unlock);
    }

    private void delete(ApiRequest request) throws SQLException {
        change(request, "user.delete", users::delete);
    }

    /** A change of the caller's tenant's user {@code id}; false when there is no such user. */
    private interface UserChange {
        boolean apply(long tenantId, long id) throws SQLException;
    }

    private void change(ApiRequest request, String action, UserChange change) throws SQLException {
        long id = id(request);
        Caller caller = request.caller();
        if (!change.apply(caller.tenantId(), id)) {
            throw ApiError.notFound("user " + id);
        }
        audit.change(caller, action, PasswordSignIn.userTarget(id), null);
        request.respondEmpty(204);
    }

    private static String newPassword(JsonNode body, String field) {
        JsonNode node = body.get(field);
        try {
            return AccountPolicy.password(node != null && node.isTextual() ? node.asText() : null);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(field, e.getMessage());
        }
    }

    private static long id(ApiRequest request) {
        try {
            return Long.parseLong(request.pathParameter("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "must be a user id (a number)");
        }
    }

    private static ObjectNode json(UserStore.StoredUser user) {
        ObjectNode json = ApiRequest.JSON.createObjectNode();
        json.put("id", user.id());
        json.put("username", user.username());
        json.put("role", user.role());
        json.put("device", user.device() == null ? null : Imei.format(user.device()));
        json.put("failedAttempts", user.failedAttempts());
        json.put("lockedUntil", user.lockedUntil() == null ? null : user.lockedUntil().toString());
        json.put("createdAt", user.createdAt().toString());
        json.put("updatedAt", user.updatedAt().toString());
        return json;
    }
}
