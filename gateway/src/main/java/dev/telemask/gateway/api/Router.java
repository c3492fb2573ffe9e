package dev.telemask.gateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The API's route table as the resources declare it: a method, a path template of literal and {@code {name}}
 * segments, and the roles that may call it. {@link FleetApi#mount} puts the routes on a Vert.x Web router, which
 * matches them.
 */
final class Router {
    /** Serves one route on a blocking thread. */
    @FunctionalInterface
    interface Handler {
        void handle(ApiRequest request) throws Exception;
    }

    /** One route; {@code roles} empty means no token is needed. */
    record Route(String method, String template, Set<Role> roles, Handler handler) {
        /** The template in Vert.x Web's notation: {@code /devices/{imei}} is {@code /devices/:imei}. */
        String webPath() {
            return Router.webPath(template);
        }
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Set<Role> roles, Handler handler) {
        routes.add(new Route(method, template, Set.copyOf(roles), handler));
        return this;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Each path template with the methods served on it, for the {@code Allow} header of a 405. */
    Map<String, Set<String>> methodsByTemplate() {
        Map<String, Set<String>> methods = new TreeMap<>();
        for (Route route : routes) {
            methods.computeIfAbsent(route.template(), t -> new TreeSet<>()).add(route.method());
        }
        return methods;
    }

    static String webPath(String template) {
        return template.replaceAll("\\{([A-Za-z0-9_]+)}", ":$1");
    }
}
