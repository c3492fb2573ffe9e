package dev.telemask.gateway.api;

import dev.telemask.storage.query.AuditLog;
import dev.telemask.storage.query.ConsentLog;
import dev.telemask.storage.SealedZones;
import dev.telemask.storage.query.DeviceCommands;
import dev.telemask.storage.query.FleetDeviceStore;
import dev.telemask.storage.query.DeviceZoneStore;
import dev.telemask.storage.query.LatestPositions;
import dev.telemask.storage.query.EventQuery;
import dev.telemask.storage.query.GeofenceStore;
import dev.telemask.storage.query.WebhookStore;
import dev.telemask.storage.query.PolicyStore;
import dev.telemask.storage.query.PositionQuery;
import dev.telemask.storage.query.SessionStore;
import dev.telemask.storage.query.Tenants;
import dev.telemask.storage.query.UserStore;
import dev.telemask.gateway.account.PasswordHashes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * The fleet API: serves every path under {@value #PREFIX}. {@link #mount} puts its routes on the gateway's Vert.x Web
 * router; token and role checks happen here, and each call runs on a virtual thread of its own, so JDBC never blocks
 * an event loop. Database concurrency is bounded by the API's own connection pool, heavy reads
 * (tracks, trips, exports) further per token and per fleet; a streamed answer whose client stops reading is cut
 * after the write timeout. Every answer says {@code Cache-Control: no-store} and {@code nosniff}: they carry
 * locations and personal data that no cache may keep; and a {@link #CONTENT_SECURITY_POLICY} that lets nothing run.
 */
public final class FleetApi implements AutoCloseable {
    public static final String PREFIX = "/api/v1";
    /** Request bodies are small JSON documents; anything larger is refused before it is buffered. */
    static final int MAX_BODY_BYTES = 1 << 20;
    /**
     * The longest request line the HTTP server reads: long enough that a hostile parameter value reaches the API's
     * validation and gets its 400, rather than a refusal the client may never read (the server closes with the
     * rest of the line unread, which resets the connection).
     */
    public static final int MAX_REQUEST_LINE = 64 * 1024;

    private static final Set<Role> EVERYONE = EnumSet.allOf(Role.class);
    private static final Set<Role> MANAGERS = EnumSet.of(Role.ADMIN, Role.VIEWER);
    private static final Set<Role> ADMINS = EnumSet.of(Role.ADMIN);
    private static final Set<Role> ADMINS_AND_DRIVERS = EnumSet.of(Role.ADMIN, Role.DRIVER);
    private static final Set<Role> DRIVERS = EnumSet.of(Role.DRIVER);
    /**
     * Routes that hold a connection for long: those that stream a long query to the client while it reads, and the
     * erasure, whose transaction deletes a year of a device's records in minutes.
     */
    private static final Set<String> HEAVY = Set.of("GET /devices/{imei}/positions", "GET /devices/{imei}/trips",
            "GET /devices/{imei}/export", "POST /devices/{imei}/erase");
    /**
     * On every answer: JSON, CSV and GPX are data, never a page, so a browser that opens an API URL directly (a
     * zone's hostile name in the body) runs no script and loads nothing even if it sniffed or rendered it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

    private static final System.Logger LOG = System.getLogger(FleetApi.class.getName());
    /** The routing context's key of when the call came in, for the request metric. */
    private static final String START = "telemask.api.start";

    private final Vertx vertx;
    private final Authenticator authenticator;
    private final MeterRegistry registry;
    private final Router router = new Router();
    private final ApiSettings settings;
    private final HeavyReads heavyReads;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("telemask-api-", 0).factory());

    private final LiveFleet live;

    /** The API with the default limits ({@link ApiSettings#defaults()}). */
    public FleetApi(Vertx vertx, DataSource dataSource, MeterRegistry registry, Clock clock, SealedZones zones) {
        this(vertx, dataSource, registry, clock, zones, ApiSettings.defaults());
    }

    /**
     * The API on {@code dataSource}, which should be its own pool, never the one the ingest path uses; zone centres
     * are sealed with {@code zones} (the deployment's seal key).
     */
    public FleetApi(Vertx vertx, DataSource dataSource, MeterRegistry registry, Clock clock, SealedZones zones,
                    ApiSettings settings) {
        this(vertx, dataSource, registry, clock, zones, settings, LiveSettings.defaults());
    }

    /** The same, with the live stream's bounds. */
    public FleetApi(Vertx vertx, DataSource dataSource, MeterRegistry registry, Clock clock, SealedZones zones,
                    ApiSettings settings, LiveSettings liveSettings) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.heavyReads = new HeavyReads(settings, registry);
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(clock, "clock");
        ApiTokens tokens = new ApiTokens(dataSource);
        SessionStore sessions = new SessionStore(dataSource, SessionResource.IDLE, SessionResource.LONGEST);
        this.authenticator = new Authenticator(tokens, sessions);
        FleetDeviceStore devices = new FleetDeviceStore(dataSource);
        PositionQuery positions = new PositionQuery(dataSource);
        PolicyStore policies = new PolicyStore(dataSource);
        ConsentLog consent = new ConsentLog(dataSource);
        AuditLog auditLog = new AuditLog(dataSource);
        DeviceAccess access = new DeviceAccess(devices);
        AuditTrail audit = new AuditTrail(auditLog);

        new DeviceResource(dataSource, devices, access, audit, new RefusedRegistrations(clock))
                .register(router, EVERYONE, ADMINS);
        Objects.requireNonNull(zones, "zones");
        new PolicyResource(policies, audit, zones).register(router, MANAGERS, ADMINS);
        UserStore users = new UserStore(dataSource);
        new DeviceZoneResource(new DeviceZoneStore(dataSource), policies, access, audit, zones, users)
                .register(router, EVERYONE, DRIVERS);
        new TrackResource(positions, access, audit, clock).register(router, EVERYONE);
        new ConsentResource(consent, access, audit).register(router, EVERYONE, ADMINS);
        new PrivateModeResource(devices, access, audit, clock).register(router, ADMINS_AND_DRIVERS);
        new DataSubjectResource(dataSource, devices, positions, policies, consent, auditLog, access, audit, clock,
                new ErasureProgressLog(registry)).register(router, ADMINS);
        new AuditResource(auditLog, clock).register(router, ADMINS);
        new CommandResource(new DeviceCommands(dataSource), access, audit, clock).register(router, ADMINS);
        new TokenResource(tokens, audit).register(router, ADMINS);
        new GeofenceResource(new GeofenceStore(dataSource), audit).register(router, MANAGERS, ADMINS);
        new EventResource(new EventQuery(dataSource), access, audit, clock).register(router, MANAGERS);
        new WebhookResource(new WebhookStore(dataSource, zones.sealer()), audit).register(router, ADMINS);
        PasswordHashes hashes = new PasswordHashes(PasswordHashes.Parameters.OWASP);
        PasswordSignIn signIn = new PasswordSignIn(users, sessions, new Tenants(dataSource), hashes, audit, registry,
                clock);
        new SessionResource(signIn, sessions, users, hashes, audit).register(router, EVERYONE);
        new UserResource(users, hashes, audit).register(router, ADMINS);
        new OpenApiResource().register(router);
        live = new LiveFleet(vertx, new LatestPositions(dataSource), authenticator, registry, liveSettings);
        router.add("GET", "/fleet/live", EVERYONE, request -> live.serve(request, request.credential(), audit));
    }

    /**
     * Puts the API on {@code web}: its routes under {@value #PREFIX}, then JSON answers for what they do not serve
     * under {@code /api/}: 405 with {@code Allow} for a path served with other methods, else 404. Mount it before any
     * catch-all route of {@code web}. Bodies are buffered up to {@link #MAX_BODY_BYTES} (larger: 413) before the
     * call, which then runs on a virtual thread of its own, so JDBC never blocks an event loop.
     */
    public void mount(io.vertx.ext.web.Router web) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setMergeFormAttributes(false);
        web.route("/api/*").handler(ctx -> {
            ctx.put(START, System.nanoTime());
            ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.next();
        });
        for (Router.Route route : router.routes()) {
            Route served = web.route(HttpMethod.valueOf(route.method()), PREFIX + route.webPath());
            if (hasBody(HttpMethod.valueOf(route.method()))) {
                served.handler(body);
            }
            served.handler(ctx -> dispatch(ctx, route)).failureHandler(ctx -> refuse(ctx, route));
        }
        // After every route: a path some route serves, with a method none of them takes.
        router.methodsByTemplate().forEach((template, methods) -> web.route(PREFIX + Router.webPath(template))
                .handler(ctx -> {
                    ctx.response().putHeader("Allow", String.join(", ", methods));
                    answerError(ctx, ApiError.methodNotAllowed(ctx.request().method().name(), ctx.request().path()),
                            "unmatched");
                }));
        web.route("/api/*").handler(ctx -> answerError(ctx, ApiError.notFound("path " + ctx.request().path()),
                "unmatched"));
        // A path whose escapes do not decode fails while it is matched, before any route has it.
        web.errorHandler(400, ctx -> answerError(ctx,
                ApiError.badRequest(null, "the path or query string is not properly percent-encoded"), "unmatched"));
    }

    /** Hands a matched call, its body read, to a virtual thread. */
    private void dispatch(RoutingContext ctx, Router.Route route) {
        Context context = vertx.getOrCreateContext();
        Buffer content = hasBody(ctx.request().method()) ? ctx.body().buffer() : null;
        Map<String, String> parameters = Map.copyOf(ctx.pathParams());
        long start = ctx.get(START);
        executor.execute(() -> serve(ctx.request(), context, route, parameters, content, start));
    }

    /** Answers a call that failed before its handler ran: a body over the limit, or one that could not be read. */
    private void refuse(RoutingContext ctx, Router.Route route) {
        ApiError error = ctx.statusCode() == 413
                ? ApiError.tooLarge("the body is larger than " + MAX_BODY_BYTES + " bytes")
                : ctx.failure() != null ? ErrorMapping.map(ctx.failure(), route.method() + " " + route.template())
                : ApiError.badRequest("body", "the body could not be read");
        answerError(ctx, error, route.template());
    }

    /**
     * Where this instance's live streams learn of committed positions: give it to the instance's
     * {@link dev.telemask.storage.ChangeFeed#watchPositions}.
     */
    public dev.telemask.storage.ChangeFeed.PositionListener liveFleet() {
        return live;
    }

    /** Heavy reads under way now. */
    int heavyReadsInFlight() {
        return heavyReads.inFlight();
    }

    /** The routes served, for the OpenAPI check. */
    List<Router.Route> routes() {
        return router.routes();
    }

    private void serve(HttpServerRequest request, Context context, Router.Route route, Map<String, String> parameters,
                       Buffer content, long start) {
        String name = route.method() + " " + route.template();
        ApiRequest api = null;
        int status = 0;
        HeavyReads.Permit permit = null;
        try {
            Caller caller = route.roles().isEmpty() ? null : authenticator.authenticate(request);
            if (caller != null && !route.roles().contains(caller.role())) {
                throw ApiError.forbidden("a " + caller.role().dbName() + " token may not " + name);
            }
            if (caller != null && HEAVY.contains(name)) {
                permit = heavyReads.acquire(caller);
            }
            api = new ApiRequest(request, context, caller, parameters, content, settings.writeTimeout());
            route.handler().handle(api);
            status = api.status();
        } catch (Throwable failure) {
            status = fail(request, context, api, failure, name);
        } finally {
            if (permit != null) {
                permit.close();
            }
            record(request.method().name(), route.template(), status, start);
        }
    }

    /** Answers or cuts a call whose handler failed; returns the status to record. */
    private int fail(HttpServerRequest request, Context context, ApiRequest api, Throwable failure, String route) {
        if (ErrorMapping.unwrap(failure) instanceof ClientGone gone) {
            // The client's doing: counted, not logged as a fault. The status is the one it had begun to receive.
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", route, gone.getMessage());
            registry.counter("telemask.api.streams.cut", "reason", gone.reason()).increment();
            if (api != null && api.openStream() != null) {
                api.openStream().abort();
            }
            return api == null ? 0 : api.status();
        }
        ApiError error = ErrorMapping.map(failure, route);
        ResponseStream stream = api == null ? null : api.openStream();
        if (stream != null) {
            // Answered with the error when nothing of the body went out yet, else cut: a broken transfer, never a
            // truncated body that looks complete.
            stream.fail(() -> writeError(request, error));
        } else if (api == null || !api.answered()) {
            context.runOnContext(v -> writeError(request, error));
        }
        return error.status();
    }

    private void answerError(RoutingContext ctx, ApiError error, String route) {
        Long start = ctx.get(START);
        writeError(ctx.request(), error);
        record(ctx.request().method().name(), route, error.status(), start == null ? System.nanoTime() : start);
    }

    private static void writeError(HttpServerRequest request, ApiError error) {
        if (request.response().ended() || request.response().headWritten()) {
            return;
        }
        if (error.status() == 401) {
            request.response().putHeader("WWW-Authenticate", "Bearer");
        }
        if (error.retryAfterSeconds() > 0) {
            request.response().putHeader("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        request.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json")
                .end(ErrorMapping.body(error).toString());
    }

    private void record(String method, String route, int status, long start) {
        Timer.builder("telemask.api.requests").description("Fleet API requests by route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static boolean hasBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    /** Stops taking work; calls under way finish on their own threads. */
    @Override
    public void close() {
        live.close();
        executor.shutdown();
    }
}
