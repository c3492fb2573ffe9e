package dev.telemask.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.http.ConsoleAssets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The console's files over real HTTP: what is served, with which headers, and what is refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAssetsTest {
    private static final Pattern IMPORT = Pattern.compile("^import .* from '\\./([a-z-]+\\.js)';$", Pattern.MULTILINE);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Vertx vertx;
    private HttpServer server;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        ConsoleAssets assets = new ConsoleAssets("https://{s}.tiles.example.org/{z}/{x}/{y}.png", "Example <tiles>");
        Router router = Router.router(vertx);
        assets.mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void servesThePageItsModulesAndLeafletFromTheJar() throws Exception {
        HttpResponse<String> page = get("GET", "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("/console/js/app.js"));
        assertEquals(200, get("GET", "/console/js/app.js").statusCode());
        assertTrue(get("GET", "/console/js/app.js").headers().firstValue("Content-Type").orElseThrow()
                .startsWith("text/javascript"), "modules need a JavaScript type");
        assertTrue(get("GET", "/console/vendor/leaflet/leaflet.js").body().contains("Leaflet"));
        assertEquals(200, get("GET", "/console/vendor/leaflet/images/marker-icon.png").statusCode());
    }

    @Test
    void servesEveryModuleThePageImports() throws Exception {
        Deque<String> pending = new ArrayDeque<>(List.of("app.js"));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String module = pending.pop();
            if (!seen.add(module)) {
                continue;
            }
            HttpResponse<String> response = get("GET", "/console/js/" + module);
            assertEquals(200, response.statusCode(), () -> module + " is imported but not served");
            Matcher imports = IMPORT.matcher(response.body());
            while (imports.find()) {
                pending.push(imports.group(1));
            }
        }
        assertTrue(seen.containsAll(List.of("policy-form.js", "token-admin.js", "device-admin.js",
                "driver-zones.js", "zone-placer.js", "field-errors.js")), seen::toString);
    }

    @Test
    void tellsThePageWhereTilesComeFromAndLetsOnlyThoseImagesIn() throws Exception {
        HttpResponse<String> config = get("GET", "/console/config.json");
        assertEquals("{\"tileUrl\":\"https://{s}.tiles.example.org/{z}/{x}/{y}.png\","
                + "\"tileAttribution\":\"Example <tiles>\"}", config.body());
        String policy = get("GET", "/").headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("img-src 'self' data: blob: https://*.tiles.example.org;"), policy);
        assertTrue(policy.contains("default-src 'self'"), policy);
    }

    @Test
    void refusesWhatIsNotAnAssetOfTheConsole() throws Exception {
        assertEquals(404, get("GET", "/console/../dev/telemask/gateway/api/openapi.json").statusCode());
        assertEquals(404, get("GET", "/console/%2e%2e/%2e%2e/etc/passwd").statusCode());
        assertEquals(404, get("GET", "/console/vendor/leaflet/../../../../../META-INF/MANIFEST.MF").statusCode());
        assertEquals(404, get("GET", "/console/nothing.js").statusCode());
        assertEquals(404, get("GET", "/console/js/.hidden.js").statusCode());
        assertEquals(404, get("GET", "/console/js/").statusCode(), "no directory listing");
        HttpResponse<String> post = get("POST", "/");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(null));
        assertEquals(404, get("POST", "/elsewhere").statusCode(), "only the console's paths are the console's");
        assertEquals(404, get("GET", "/index.html").statusCode());
    }

    private HttpResponse<String> get(String method, String path) throws Exception {
        // A raw path: java.net.URI keeps "..", so the server sees exactly what a hostile client would send.
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
