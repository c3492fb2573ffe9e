package dev.telemask.gateway.api;

import dev.telemask.storage.ChangeFeed;
import dev.telemask.storage.query.LatestPositions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The live fleet map's server side: the open {@code GET /fleet/live} streams of this instance, and the devices
 * whose positions were committed since they were last sent. Commit notices ({@link ChangeFeed.PositionListener})
 * arrive from every instance's writers through PostgreSQL; they name IMEIs only. One thread reads the newest stored
 * row of the noticed devices through the ordinary query, once per device however many notices came meanwhile, and
 * sends it to the streams whose callers may see that device.
 */
public final class LiveFleet implements ChangeFeed.PositionListener, AutoCloseable {
    private static final Logger LOG = System.getLogger(LiveFleet.class.getName());
    private static final String HEARTBEAT = ": heartbeat\n\n";

    private final Vertx vertx;
    private final LatestPositions latest;
    private final Authenticator tokens;
    private final MeterRegistry registry;
    private final LiveSettings settings;
    private final Set<LiveClient> clients = ConcurrentHashMap.newKeySet();
    private final Set<Long> noticed = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Boolean> wake = new LinkedBlockingQueue<>(1);
    private volatile boolean everything;
    /** A check of the streams' credentials is asked for and has not started yet: later asks join it. */
    private final java.util.concurrent.atomic.AtomicBoolean recheckAsked = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    private final Thread sender;
    private final long heartbeatTimer;
    private final long recheckTimer;

    LiveFleet(Vertx vertx, LatestPositions latest, Authenticator tokens, MeterRegistry registry, LiveSettings settings) {
        this.vertx = vertx;
        this.latest = latest;
        this.tokens = tokens;
        this.registry = registry;
        this.settings = settings;
        Gauge.builder("telemask.api.live.clients", clients, Set::size)
                .description("Live fleet streams open on this instance").register(registry);
        this.sender = Thread.ofVirtual().name("telemask-live-fleet").start(this::sendNoticed);
        this.heartbeatTimer = vertx.setPeriodic(settings.heartbeat().toMillis(), id -> heartbeat());
        this.recheckTimer = vertx.setPeriodic(settings.recheck().toMillis(), id -> credentialsChanged());
    }

    /** Streams open now. */
    int clients() {
        return clients.size();
    }

    @Override
    public void positionsStored(long[] imeis) {
        if (clients.isEmpty()) {
            return; // nobody watches on this instance: nothing to read
        }
        for (long imei : imeis) {
            noticed.add(imei);
        }
        wake.offer(Boolean.TRUE);
    }

    @Override
    public void positionsMissed() {
        everything = true;
        wake.offer(Boolean.TRUE);
        credentialsChanged(); // a credential's change may have been missed too
    }

    /**
     * Checks the streams' credentials again, on a thread of its own: asked by the periodic timer (expiry) and by the
     * change feed when a credential ended or changed on any instance, so that a revoked token's or a deleted user's
     * stream ends at once rather than at the next periodic check.
     */
    @Override
    public void credentialsChanged() {
        if (!clients.isEmpty() && recheckAsked.compareAndSet(false, true)) {
            Thread.ofVirtual().name("telemask-live-recheck").start(() -> {
                // Cleared before the check reads anything: a change committed meanwhile asks for another check.
                recheckAsked.set(false);
                recheckTokens();
            });
        }
    }

    /**
     * Serves one stream on the request's own (virtual) thread until it ends: admits it within the bound, sends the
     * caller's fleet as it is now, then leaves the updates to the sender thread.
     */
    void serve(ApiRequest request, String token, AuditTrail audit) throws SQLException, InterruptedException {
        LiveClient client;
        synchronized (clients) {
            if (clients.size() >= settings.maxClients()) {
                registry.counter("telemask.api.live.refused").increment();
                throw ApiError.unavailable("too many live streams on this instance (" + settings.maxClients()
                        + "); try again later or another instance");
            }
            client = request.openLive(token, settings.maxBufferBytes());
            // Registered before the snapshot is read: a position committed meanwhile is sent (perhaps twice, and
            // the console keeps the newer by device time), never lost.
            clients.add(client);
        }
        try {
            client.open();
            long devices = sendFleet(client);
            Caller caller = client.caller();
            if (caller.role() == Role.DRIVER) {
                audit.device(caller, "live.read", caller.device(), null, devices);
            } else {
                audit.change(caller, "live.read", "fleet", ApiRequest.JSON.createObjectNode()
                        .put("devices", devices).put("role", caller.role().dbName()));
            }
            LiveClient.End end = client.ended().join();
            registry.counter("telemask.api.live.closed", "reason", end.name().toLowerCase(java.util.Locale.ROOT))
                    .increment();
        } finally {
            client.end(LiveClient.End.CLIENT_CLOSED);
            clients.remove(client);
        }
    }

    /**
     * Every device the client may see, as stored now, read and sent under the client's order lock; the devices it
     * was shown that are gone are taken off. Returns how many it may see.
     */
    private long sendFleet(LiveClient client) throws SQLException {
        Caller caller = client.caller();
        Set<Long> present = new HashSet<>();
        client.order().lock();
        try {
            if (caller.role() == Role.DRIVER) {
                for (LatestPositions.Latest l : latest.of(List.of(caller.device()))) {
                    if (client.sees(l.tenantId(), l.imei())) {
                        present.add(l.imei());
                        client.show(l.imei(), LiveEvent.of(l));
                    }
                }
            } else {
                long after = 0;
                List<LatestPositions.Latest> page;
                do {
                    page = latest.ofTenant(caller.tenantId(), after);
                    for (LatestPositions.Latest l : page) {
                        present.add(l.imei());
                        client.show(l.imei(), LiveEvent.of(l));
                    }
                    after = page.isEmpty() ? after : page.get(page.size() - 1).imei();
                } while (page.size() == LatestPositions.MAX_DEVICES);
            }
            client.forgetAllBut(present);
        } finally {
            client.order().unlock();
        }
        return present.size();
    }

    private void sendNoticed() {
        while (!closed) {
            try {
                wake.take();
                if (closed) {
                    return;
                }
                if (everything) {
                    everything = false;
                    noticed.clear();
                    for (LiveClient client : List.copyOf(clients)) {
                        sendFleet(client);
                    }
                    continue;
                }
                List<Long> imeis = new ArrayList<>(LatestPositions.MAX_DEVICES);
                for (Long imei : noticed) {
                    noticed.remove(imei);
                    imeis.add(imei);
                    if (imeis.size() == LatestPositions.MAX_DEVICES) {
                        wake.offer(Boolean.TRUE); // the rest in the next round
                        break;
                    }
                }
                send(imeis, latest.of(imeis));
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                // The database is away: the devices stay unsent until their next notice, or the feed's reconnect.
                registry.counter("telemask.api.live.read.failed").increment();
                LOG.log(Level.WARNING, "live fleet could not read the newest positions: {0}", e.toString());
            }
        }
    }

    /**
     * Sends the newest rows of the noticed devices to the clients that may see them; a noticed device without a row
     * was deleted, and one a client may no longer see left its fleet: both are taken off where they were shown.
     */
    private void send(List<Long> noticedImeis, List<LatestPositions.Latest> rows) {
        Set<Long> gone = new HashSet<>(noticedImeis);
        rows.forEach(row -> gone.remove(row.imei()));
        String[] events = new String[rows.size()];
        for (LiveClient client : clients) {
            client.order().lock();
            try {
                for (int i = 0; i < rows.size(); i++) {
                    LatestPositions.Latest row = rows.get(i);
                    if (client.sees(row.tenantId(), row.imei())) {
                        events[i] = events[i] == null ? LiveEvent.of(row) : events[i];
                        client.show(row.imei(), events[i]); // a client it cuts is counted when its stream ends
                    } else {
                        client.forget(row.imei());
                    }
                }
                gone.forEach(client::forget);
            } finally {
                client.order().unlock();
            }
        }
        registry.counter("telemask.api.live.devices.sent").increment(rows.size());
    }

    private void heartbeat() {
        for (LiveClient client : clients) {
            client.send(HEARTBEAT);
        }
    }

    /**
     * Ends the streams whose credential was revoked or expired since they opened, and those of a signed-in user whose
     * role or driver's vehicle changed meanwhile: the stream was opened for what the old role sees, and the console
     * reconnects with the new one.
     */
    private void recheckTokens() {
        Map<String, Optional<Caller>> now = new HashMap<>();
        for (LiveClient client : List.copyOf(clients)) {
            String token = client.token();
            Optional<Caller> current = now.get(token);
            if (current == null) {
                try {
                    current = tokens.recheck(token);
                } catch (SQLException e) {
                    LOG.log(Level.WARNING, "live fleet could not check a stream's token: {0}", e.toString());
                    return;
                }
                now.put(token, current);
            }
            if (current.isEmpty()) {
                client.end(LiveClient.End.TOKEN_INVALID);
            } else if (!client.stillFor(current.get())) {
                client.end(LiveClient.End.ROLE_CHANGED);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(recheckTimer);
        sender.interrupt();
        for (LiveClient client : clients) {
            client.end(LiveClient.End.SHUTDOWN);
        }
    }
}
