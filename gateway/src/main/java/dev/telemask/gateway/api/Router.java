package dev.telemask.gateway.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The API's route table, matched by hand: a method and a path template of literal and {@code {name}} segments. */
final class Router {
    /** Serves one route on a blocking thread. */
    @FunctionalInterface
    interface Handler {
        void handle(ApiRequest request) throws Exception;
    }

    /** One route; {@code roles} empty means no token is needed. */
    record Route(String method, String template, Set<Role> roles, Handler handler) {
        String[] segments() {
            return template.substring(1).split("/", -1);
        }
    }

    /** The outcome of matching a request. */
    sealed interface Lookup permits Found, NoSuchPath, WrongMethod {
    }

    record Found(Route route, Map<String, String> parameters) implements Lookup {
    }

    record NoSuchPath() implements Lookup {
    }

    record WrongMethod() implements Lookup {
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Set<Role> roles, Handler handler) {
        routes.add(new Route(method, template, Set.copyOf(roles), handler));
        return this;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Matches {@code path} (below the API's prefix, starting with {@code /}). */
    Lookup find(String method, String path) {
        if (!path.startsWith("/")) {
            return new NoSuchPath();
        }
        String[] given = path.substring(1).split("/", -1);
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> parameters = match(route.segments(), given);
            if (parameters != null) {
                if (route.method().equals(method)) {
                    return new Found(route, parameters);
                }
                pathKnown = true;
            }
        }
        return pathKnown ? new WrongMethod() : new NoSuchPath();
    }

    private static Map<String, String> match(String[] template, String[] given) {
        if (template.length != given.length) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (given[i].isEmpty()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 1), given[i]);
            } else if (!t.equals(given[i])) {
                return null;
            }
        }
        return parameters;
    }
}
