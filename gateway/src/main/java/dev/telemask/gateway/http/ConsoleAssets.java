package dev.telemask.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Properties;

/**
 * Serves the fleet console: {@code /} is its page, {@code /console/...} its scripts and styles, Leaflet from the
 * webjar on the class path, and {@code /console/config.json} the map's tile source. Everything ships in the
 * gateway jar, so the console needs nothing at run time but this process (and, for a background map, the tiles).
 */
public final class ConsoleAssets {
    /** The configuration key of the map's tile URL template; unset (or "none"): no tiles, a plain grid. */
    public static final String TILE_URL_KEY = "console.tile-url";

    private static final String ROOT = "console";
    private static final String PREFIX = "/console/";
    private static final String LEAFLET_PREFIX = PREFIX + "vendor/leaflet/";

    private final String leafletRoot;
    private final Buffer config;
    private final String contentSecurityPolicy;

    /** @param tileUrl a Leaflet tile URL template ({@code {s} {z} {x} {y}}), or null for a map without tiles */
    public ConsoleAssets(String tileUrl, String tileAttribution) {
        this.leafletRoot = "META-INF/resources/webjars/leaflet/" + leafletVersion() + "/dist";
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

    /**
     * Puts the console's routes on {@code router}: GET and HEAD only (anything else is a 405), a 404 in plain text for
     * what is not a file of the console. Files are served by Vert.x's {@link StaticHandler} from the class path (Vert.x
     * looks in the working directory first, which is the gateway's own: it reads its configuration there too), which
     * normalises the path and serves nothing outside the console's folders, no hidden file and no directory listing.
     */
    public void mount(Router router) {
        Handler<RoutingContext> headers = ctx -> {
            if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD) {
                ctx.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
                return;
            }
            ctx.response()
                    // Served from the jar: a new gateway version brings new files, so always revalidate.
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Content-Security-Policy", contentSecurityPolicy);
            ctx.next();
        };
        router.route("/").handler(headers).handler(files(ROOT).setIndexPage("index.html"));
        router.route(PREFIX + "*").handler(headers);
        router.route(PREFIX + "config.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").end(config));
        router.route(LEAFLET_PREFIX + "*").handler(files(leafletRoot));
        router.route(PREFIX + "*").handler(files(ROOT));
        router.route("/").handler(ConsoleAssets::notFound);
        router.route(PREFIX + "*").handler(ConsoleAssets::notFound);
    }

    private static StaticHandler files(String root) {
        // Caching off: no max-age, the no-cache above stands. Text files are UTF-8 whatever the platform's default.
        return StaticHandler.create(root).setCachingEnabled(false).setDefaultContentEncoding("UTF-8")
                .setDirectoryListing(false).setIncludeHidden(false).setEnableRangeSupport(false);
    }

    private static void notFound(RoutingContext ctx) {
        ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("not found");
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
