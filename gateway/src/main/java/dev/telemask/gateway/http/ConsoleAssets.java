package dev.telemask.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the fleet console: {@code /} is its page, {@code /console/...} its scripts and styles, Leaflet from the
 * webjar on the class path, and {@code /console/config.json} the map's tile source. Everything ships in the
 * gateway jar, so the console needs nothing at run time but this process (and, for a background map, the tiles).
 */
public final class ConsoleAssets {
    /** The configuration key of the map's tile URL template; unset (or "none"): no tiles, a plain grid. */
    public static final String TILE_URL_KEY = "console.tile-url";

    private static final String ROOT = "console/";
    private static final String PREFIX = "/console/";
    private static final String LEAFLET_PREFIX = PREFIX + "vendor/leaflet/";
    // Only plain names: no "..", no encoded tricks, nothing that could climb out of the console's folders.
    private static final Pattern SAFE_PATH = Pattern.compile("(?:[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*/)*"
            + "[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "mjs", "text/javascript; charset=utf-8",
            "json", "application/json", "png", "image/png", "svg", "image/svg+xml", "map", "application/json");

    private final String leafletRoot;
    private final Buffer config;
    private final String contentSecurityPolicy;
    // Assets are a few small class-path files that never change while the process runs: read once, kept.
    private final Map<String, Optional<Buffer>> cache = new ConcurrentHashMap<>();

    /** @param tileUrl a Leaflet tile URL template ({@code {s} {z} {x} {y}}), or null for a map without tiles */
    public ConsoleAssets(String tileUrl, String tileAttribution) {
        this.leafletRoot = "META-INF/resources/webjars/leaflet/" + leafletVersion() + "/dist/";
        this.config = Buffer.buffer(new ObjectMapper().createObjectNode()
                .put("tileUrl", tileUrl == null ? "" : tileUrl)
                .put("tileAttribution", tileAttribution == null ? "" : tileAttribution).toString());
        this.contentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:" + tileSource(tileUrl)
                + "; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
                + " frame-ancestors 'none'";
    }

    /**
     * The console with the configured tile source ({@value #TILE_URL_KEY}); none when unset or "none", so that a
     * gateway sends its users' browsers to no third party unless told to.
     */
    public static ConsoleAssets of(String tileUrl, String tileAttribution) {
        if (tileUrl == null || tileUrl.isBlank() || tileUrl.strip().equals("none")) {
            return none();
        }
        try {
            return new ConsoleAssets(tileUrl.strip(), tileAttribution);
        } catch (IllegalArgumentException e) {
            throw new dev.telemask.gateway.config.ConfigException(e.getMessage());
        }
    }

    /** The console on a plain grid, with no tiles. */
    public static ConsoleAssets none() {
        return new ConsoleAssets(null, null);
    }

    /** True for the paths this serves: hand them to {@link #handle}. */
    public static boolean serves(String path) {
        return path.equals("/") || path.startsWith(PREFIX);
    }

    public void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        String path = request.path();
        if (path.equals(PREFIX + "config.json")) {
            send(request, "json", config);
            return;
        }
        String resource = resource(path);
        Optional<Buffer> body = resource == null ? Optional.empty() : cache.computeIfAbsent(resource, this::load);
        if (body.isEmpty()) {
            response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("not found");
            return;
        }
        send(request, resource.substring(resource.lastIndexOf('.') + 1), body.get());
    }

    /** The class-path resource of a request path, or null when it names none that may be served. */
    private String resource(String path) {
        if (path.equals("/")) {
            return ROOT + "index.html";
        }
        String rest = path.substring(PREFIX.length());
        if (!SAFE_PATH.matcher(rest).matches()) {
            return null;
        }
        return path.startsWith(LEAFLET_PREFIX) ? leafletRoot + path.substring(LEAFLET_PREFIX.length()) : ROOT + rest;
    }

    private void send(HttpServerRequest request, String extension, Buffer body) {
        HttpServerResponse response = request.response()
                .putHeader("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"))
                // Served from the jar: a new gateway version brings new files, so always revalidate.
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Security-Policy", contentSecurityPolicy);
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader("Content-Length", Integer.toString(body.length())).end();
        } else {
            response.end(body);
        }
    }

    private Optional<Buffer> load(String resource) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the class path", e);
        }
    }

    /** Leaflet's version, from the webjar's own Maven metadata, so the pom is the one place that names it. */
    private static String leafletVersion() {
        try (InputStream in = ConsoleAssets.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/leaflet/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("Leaflet's webjar (org.webjars.npm:leaflet) is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The origin tiles come from, for the page's image sources: {@code {s}} subdomains become a wildcard. */
    private static String tileSource(String tileUrl) {
        if (tileUrl == null || tileUrl.isBlank()) {
            return "";
        }
        try {
            URI uri = URI.create(tileUrl.replace("{s}", "SUBDOMAIN").replaceAll("\\{[a-z]+}", "0"));
            String host = uri.getHost().replace("SUBDOMAIN", "*");
            return " " + uri.getScheme() + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(TILE_URL_KEY + " is not a tile URL template: " + tileUrl, e);
        }
    }
}
