package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The keyset cursor of a paged list ({@code /tokens}, {@code /users}): the request's {@code cursor} is the last key of
 * the page before, and the answer holds its page as {@code items} with the next page's cursor in {@code nextCursor}
 * (null on the last page) and in the {@code X-Next-Cursor} header.
 */
final class ListCursor {
    private static final int MAX_DIGITS = 18;

    private ListCursor() {}

    /** The {@code cursor} parameter as an id (0, before every id, when absent). */
    static long id(ApiRequest request) {
        String value = request.query("cursor");
        if (value == null) {
            return 0;
        }
        if (value.isEmpty() || value.length() > MAX_DIGITS || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiError.badRequest("cursor", "is the nextCursor of the page before, a whole number, got \""
                    + RangeParameters.shortened(value) + "\"");
        }
        return Long.parseLong(value);
    }

    /** Answers {@code items} with {@code next}, the cursor of the page after it (null: none). */
    static void respond(ApiRequest request, ArrayNode items, String next) {
        ObjectNode body = ApiRequest.JSON.createObjectNode();
        body.set("items", items);
        body.put("nextCursor", next);
        request.respond(200, body, next == null ? Map.of() : Map.of("X-Next-Cursor", next));
    }
}
