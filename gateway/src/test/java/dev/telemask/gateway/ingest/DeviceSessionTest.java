package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.TcpFrameSplitter;
import dev.telemask.gateway.Drives;
import dev.telemask.gateway.config.SourceNetworks;
import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.DeviceLedger;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.privacy.Treatment;
import dev.telemask.privacy.TripTiming;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.storage.BatchCallback;
import dev.telemask.storage.IngestProfile;
import dev.telemask.storage.PositionBatch;
import dev.telemask.storage.PositionSink;
import dev.telemask.storage.StaleSwitchesException;
import dev.telemask.storage.query.DeviceCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One device's TCP session on an {@link io.netty.channel.embedded.EmbeddedChannel}, without a database. */
class DeviceSessionTest {
    private static final long IMEI = 356_307_042_441_013L;
    private static final long NOW = 1_773_136_800_000L; // 2026-03-10T10:00Z
    private static final byte[] ZONE_KEY = new byte[32];

    private final AtomicLong clock = new AtomicLong(NOW);
    private final Sink sink = new Sink();
    private final Lookup lookup = new Lookup();
    private final SessionRegistry sessions = new SessionRegistry();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngestMetrics metrics = new IngestMetrics(registry);
    private final List<String> refusalLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final IngestServices services = services(CommandQueue.NONE);

    /** What the writer was handed, captured at the offer (the session reuses its batch). */
    record Offered(int records, int sealed, long switchVersion, int published) {
        static Offered of(PositionBatch batch) {
            int sealed = 0;
            int published = 0;
            for (int r = 0; r < batch.records().size(); r++) {
                sealed += batch.isSealed(r) ? 1 : 0;
                int treatment = batch.treatment(r);
                published += treatment == Treatment.EXACT.code() || treatment == Treatment.COARSENED.code() ? 1 : 0;
            }
            return new Offered(batch.records().size(), sealed, batch.switchVersion(), published);
        }
    }

    /** A writer the test completes by hand; refuses while full and then keeps the wake-up, like the real one. */
    static final class Sink implements PositionSink {
        final List<Offered> accepted = new ArrayList<>();
        int refused;
        boolean full;
        Runnable whenRoom;
        private PositionBatch inFlight;
        private BatchCallback callback;

        @Override
        public boolean offer(PositionBatch batch, BatchCallback callback) {
            return offerOrWait(batch, callback, null);
        }

        @Override
        public boolean offerOrWait(PositionBatch batch, BatchCallback callback, Runnable whenRoom) {
            if (full) {
                refused++;
                this.whenRoom = whenRoom;
                return false;
            }
            accepted.add(Offered.of(batch));
            this.inFlight = batch;
            this.callback = callback;
            return true;
        }

        void complete(Throwable failure) {
            BatchCallback c = callback;
            callback = null;
            c.completed(inFlight, failure);
        }

        void room() {
            full = false;
            Runnable wake = whenRoom;
            whenRoom = null;
            wake.run();
        }
    }

    /** The device directory: one registered device, whose switches a test may change. */
    static final class Lookup implements DeviceLookup {
        final Map<Long, DeviceContext> devices = new HashMap<>();
        /** The look-ups' queue is full: a look-up is refused as the database threads' executor refuses it. */
        boolean busy;

        @Override
        public CompletableFuture<Optional<DeviceContext>> connect(long imei) {
            if (busy) {
                throw new java.util.concurrent.RejectedExecutionException("queued tasks = 10000");
            }
            return CompletableFuture.completedFuture(Optional.ofNullable(devices.get(imei)));
        }

        @Override
        public CompletableFuture<Optional<DeviceContext>> reload(long imei) {
            return connect(imei);
        }
    }

    static DeviceContext device(long switchVersion, boolean restricted) {
        return device(switchVersion, restricted, null);
    }

    /** The device as the database holds it, with the privacy state its last writer saved. */
    static DeviceContext device(long switchVersion, boolean restricted, byte[] privacyState) {
        IngestProfile profile = new IngestProfile(IMEI, 1, restricted, null, 0, null, null, null, null, privacyState,
                0, switchVersion, java.util.List.of(), 0, null, null);
        return new DeviceContext(profile, CompiledPolicy.compile(Policy.noOp(), ZONE_KEY), Consent.ALL);
    }

    private PeerChannel connect() {
        return connect(device(0, false));
    }

    /** The session's services, with {@code commands} as the command queue. */
    private IngestServices services(CommandQueue commands) {
        return new IngestServices(sink, lookup, sessions, metrics,
                new TcpFrameSplitter(4096), SourceNetworks.ANY, new ConnectionCounts(metrics, 100, 100),
                new RefusalLog(System::nanoTime, refusalLines::add), RefusalLog.malformedFrames(),
                Duration.ofSeconds(5), Duration.ofMinutes(10), new AtomicBoolean(),
                new IngestLimits(Period.ofMonths(12), Duration.ofMinutes(5), Duration.ofDays(7)), clock::get,
                commands, ConnectionEvents.NONE);
    }

    private PeerChannel connect(DeviceContext device) {
        return connect(device, services);
    }

    private PeerChannel connect(DeviceContext device, IngestServices services) {
        lookup.devices.put(IMEI, device);
        PeerChannel channel = new PeerChannel("10.0.0.7", new DeviceSession(services));
        channel.writeInbound(new DeviceHandshake(IMEI));
        channel.runPendingTasks();
        assertEquals(dev.telemask.codec.TcpAvlCodec.HANDSHAKE_ACCEPTED, reply(channel, 1));
        return channel;
    }

    @Test
    void aStormOfHandshakesBeyondTheLookUpsQueueIsCountedAndLoggedOnceAnAddress() {
        lookup.busy = true;
        List<PeerChannel> refused = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            PeerChannel channel = new PeerChannel("10.0.0.7", new DeviceSession(services));
            channel.writeInbound(new DeviceHandshake(IMEI + i));
            channel.runPendingTasks();
            refused.add(channel);
        }
        assertTrue(refused.stream().noneMatch(PeerChannel::isOpen), "each closed: the device reconnects later");
        assertEquals(50, registry.get("telemask.connections.rejected").tag("reason", "lookup_busy").counter().count());
        assertEquals(0, registry.get("telemask.connections.rejected").tag("reason", "lookup_failed").counter().count());
        assertEquals(1, refusalLines.size(), "one line for the address, not one a device: " + refusalLines);
        assertTrue(refusalLines.get(0).contains("10.0.0.7") && refusalLines.get(0).contains("too many device look-ups"),
                refusalLines.get(0));
    }

    private static void send(PeerChannel channel, long firstMillis, int records) {
        channel.writeInbound(Unpooled.wrappedBuffer(DeviceClient.frame(Drives.driving(firstMillis, records))));
    }

    /** {@code n} records of a parked vehicle (ignition and movement off), one minute apart. */
    private static void sendParked(PeerChannel channel, long firstMillis, int n) {
        AvlBatch records = new AvlBatch();
        for (int r = 0; r < n; r++) {
            records.addRecord(firstMillis + r * 60_000L, 0, 252_560_283, 546_674_250, 120, 0, 9, 0, 0,
                    AvlBatch.NO_GENERATION);
            records.addIo(239, 1, 0);
            records.addIo(240, 1, 0);
        }
        channel.writeInbound(Unpooled.wrappedBuffer(DeviceClient.frame(records)));
    }

    /** The next reply of {@code bytes} bytes the gateway sent, or -1 when there is none. */
    private static int reply(PeerChannel channel, int bytes) {
        ByteBuf out = channel.readOutbound();
        if (out == null) {
            return -1;
        }
        try {
            assertEquals(bytes, out.readableBytes());
            return bytes == 1 ? out.readByte() : out.readInt();
        } finally {
            out.release();
        }
    }

    /** Moves the gateway's clock and the channel's timers on together. */
    private void advance(PeerChannel channel, Duration by) {
        clock.addAndGet(by.toMillis());
        channel.advance(by);
        channel.runPendingTasks();
    }

    @Test
    void anUnregisteredDeviceIsRefusedAndItsFirstRefusalLoggedWithItsAddress() {
        for (int attempt = 0; attempt < 3; attempt++) {
            PeerChannel channel = new PeerChannel("10.0.0.7", new DeviceSession(services));
            channel.writeInbound(new DeviceHandshake(IMEI));
            channel.runPendingTasks();
            assertEquals(dev.telemask.codec.TcpAvlCodec.HANDSHAKE_REJECTED, reply(channel, 1));
            assertFalse(channel.isActive(), "closed after the refusal");
        }
        assertEquals(List.of("refused device connection from 10.0.0.7: IMEI " + IMEI + " is not registered; register"
                + " it with POST /api/v1/devices (or set device.auto-register=true to park unknown devices in"
                + " quarantine)"), refusalLines, "one line for the IMEI, not one per attempt");
    }

    @Test
    void acknowledgesAFrameWithItsRecordCountOnlyOnceTheWriterCommittedIt() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 5);
        assertEquals(1, sink.accepted.size());
        assertEquals(5, sink.accepted.get(0).records());
        assertEquals(-1, reply(channel, 4), "nothing is acknowledged before the commit");

        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(5, reply(channel, 4));
        assertTrue(sessions.get(IMEI) != null);
    }

    @Test
    void anAcknowledgementNotYetSentKeepsItsBytesWhenTheNextFrameIsAcknowledged() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 5);
        sink.complete(null);
        channel.runPendingTasks();
        send(channel, NOW - 3_000_000, 3);
        sink.complete(null);
        channel.runPendingTasks();
        // Both acknowledgements still wait in the channel (the peer has read neither): the second must not have
        // been written into the first's buffer.
        assertEquals(5, reply(channel, 4));
        assertEquals(3, reply(channel, 4));

        send(channel, NOW - 2_400_000, 2);
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(2, reply(channel, 4), "a buffer the peer has taken is used again, from its start");
    }

    @Test
    void aFailedWriteIsNotAcknowledgedAndTheNextFrameIsTakenOn() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 3);
        sink.complete(new SQLException("the database went away", "08006"));
        channel.runPendingTasks();
        assertEquals(-1, reply(channel, 4), "the device will resend the frame");

        send(channel, NOW - 3_600_000, 3);
        assertEquals(2, sink.accepted.size());
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(3, reply(channel, 4));
    }

    @Test
    void whenTheWriterIsFullTheSessionStopsReadingUntilTheWriterCallsItBack() {
        PeerChannel channel = connect();
        sink.full = true;
        send(channel, NOW - 3_600_000, 4);
        assertEquals(1, sink.refused);
        assertFalse(channel.config().isAutoRead(), "a refused session reads no further");

        advance(channel, Duration.ofSeconds(10));
        assertEquals(1, sink.refused, "no timer polls the writer: the session waits for its call");
        assertTrue(sink.accepted.isEmpty());

        sink.room();
        channel.runPendingTasks();
        assertEquals(1, sink.accepted.size(), "woken, it offers the same batch again");
        assertEquals(4, sink.accepted.get(0).records());
        assertTrue(channel.config().isAutoRead());
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(4, reply(channel, 4));
    }

    @Test
    void aDeviceThatNeverReadsItsAcknowledgementsIsNoLongerReadFromUntilItDoes() {
        PeerChannel channel = connect();
        // The peer stopped reading: its acknowledgements fill the socket and then the channel's outbound buffer,
        // which Netty marks unwritable at the high water mark. Reading on would let an empty 15-byte frame after
        // another pile up a queued acknowledgement each, without bound.
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks();
        assertFalse(channel.config().isAutoRead(), "an unwritable session reads no further");

        send(channel, NOW - 3_600_000, 2);
        sink.complete(null);
        channel.runPendingTasks();
        assertFalse(channel.config().isAutoRead(), "a frame taken on meanwhile does not turn reading on again");

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();
        assertTrue(channel.config().isAutoRead(), "once the peer reads again, so does the session");
        assertEquals(2, reply(channel, 4));
    }

    @Test
    void aBatchMaskedUnderOldSwitchesIsMaskedAgainUnderTheNewOnesAndAcknowledgedOnce() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 5);
        assertEquals(0, sink.accepted.get(0).switchVersion());

        lookup.devices.put(IMEI, device(1, false)); // e.g. the driver switched private mode on
        sink.complete(new StaleSwitchesException(IMEI, 0, 1));
        channel.runPendingTasks();
        assertEquals(-1, reply(channel, 4));
        assertEquals(2, sink.accepted.size(), "masked again and offered again");
        assertEquals(1, sink.accepted.get(1).switchVersion());
        assertEquals(5, sink.accepted.get(1).records());

        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(5, reply(channel, 4));
        assertEquals(-1, reply(channel, 4), "one acknowledgement per frame");
    }

    @Test
    void aBatchRefusedAsStaleIsMaskedAgainFromWhatAnotherConnectionStoredMeanwhile() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 5);
        assertEquals(5, sink.accepted.get(0).sealed(), "a new device's first records wait for the anchor delay");

        // Meanwhile the device sent its parked record from 30 s before over UDP, which claimed it and stored it.
        DeviceLedger other = new DeviceLedger();
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), ZONE_KEY);
        AvlBatch parked = new AvlBatch();
        parked.addRecord(NOW - 3_630_000, 0, 252_560_283, 546_674_250, 120, 0, 9, 0, 0, AvlBatch.NO_GENERATION);
        parked.addIo(239, 1, 0);
        parked.addIo(240, 1, 0);
        other.apply(policy, Consent.ALL, false, parked, NOW, Long.MIN_VALUE, Long.MAX_VALUE, 86_400_000);
        other.committed();
        other.apply(policy, Consent.ALL, false, null, NOW + 10_000, Long.MIN_VALUE, Long.MAX_VALUE, 86_400_000);
        other.committed();
        lookup.devices.put(IMEI, device(1, false, other.savedState()));
        sink.complete(new StaleSwitchesException(IMEI, 0, 1));
        channel.runPendingTasks();

        assertEquals(2, sink.accepted.size(), "masked again and offered again");
        assertEquals(0, sink.accepted.get(1).sealed(), "the trip continues the stored parked record: decided");
    }

    @Test
    void aDeviceRestrictedMeanwhileIsAcknowledgedWithoutStoringTheFrame() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 2);
        lookup.devices.put(IMEI, device(1, true));
        sink.complete(new StaleSwitchesException(IMEI, 0, 1));
        channel.runPendingTasks();
        assertEquals(1, sink.accepted.size());
        assertEquals(2, reply(channel, 4));
    }

    @Test
    void aRestrictedDevicesFrameIsDroppedOnlyOnceTheDatabaseConfirmsTheRestriction() {
        PeerChannel channel = connect(device(0, true));
        send(channel, NOW - 3_600_000, 2);
        assertEquals(1, sink.accepted.size());
        assertEquals(0, sink.accepted.get(0).records(), "no record goes to the writer");
        assertEquals(0, sink.accepted.get(0).switchVersion(), "only the check of the switches it was dropped under");
        assertEquals(-1, reply(channel, 4), "not acknowledged before the database confirmed the restriction");
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(2, reply(channel, 4));
    }

    @Test
    void aFrameAfterTheRestrictionWasLiftedIsStoredThoughTheSessionHadNotHeardOfIt() {
        PeerChannel channel = connect(device(0, true));
        // The lift returned to its caller; the change feed has not told this session yet.
        lookup.devices.put(IMEI, lifted(1, NOW - 86_400_000, NOW - 1_000));
        send(channel, NOW - 3_600_000, 3);
        assertEquals(0, sink.accepted.get(0).records());
        sink.complete(new StaleSwitchesException(IMEI, 0, 1));
        channel.runPendingTasks();
        assertEquals(2, sink.accepted.size(), "the frame, masked again under what the database holds");
        assertEquals(3, sink.accepted.get(1).records());
        assertEquals(1, sink.accepted.get(1).switchVersion());
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(3, reply(channel, 4));
    }

    @Test
    void aFrameReceivedWhileRestrictedIsDroppedWhenTheRestrictionIsLiftedBeforeTheDatabaseConfirmedIt() {
        PeerChannel channel = connect(device(0, true));
        send(channel, NOW - 3_600_000, 3);
        lookup.devices.put(IMEI, lifted(1, NOW - 86_400_000, NOW + 1_000)); // lifted after the frame arrived
        sink.complete(new StaleSwitchesException(IMEI, 0, 1));
        channel.runPendingTasks();
        assertEquals(1, sink.accepted.size(), "nothing of the frame goes to the writer");
        assertEquals(3, reply(channel, 4), "acknowledged and dropped, as when the restriction is confirmed");
        assertEquals(3.0, registry.get("telemask.records.restricted").functionCounter().count());
    }

    @Test
    void aFrameReceivedDuringARestrictionTheSessionNeverHeardOfIsDroppedAfterItsLift() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 3);
        assertEquals(3, sink.accepted.get(0).records(), "masked as the session knew the device: unrestricted");
        // Restricted just before the frame arrived and lifted since, all before its write.
        lookup.devices.put(IMEI, lifted(2, NOW - 500, NOW + 500));
        sink.complete(new StaleSwitchesException(IMEI, 0, 2));
        channel.runPendingTasks();
        assertEquals(1, sink.accepted.size(), "the frame, judged again, is not offered");
        assertEquals(3, reply(channel, 4));
    }

    @Test
    void aFrameReceivedBeforeARestrictionThatCameAndWentIsStored() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 3);
        lookup.devices.put(IMEI, lifted(2, NOW + 100, NOW + 500));
        sink.complete(new StaleSwitchesException(IMEI, 0, 2));
        channel.runPendingTasks();
        assertEquals(2, sink.accepted.size(), "received before the restriction: masked again and offered");
        assertEquals(3, sink.accepted.get(1).records());
    }

    /** The device as the database holds it after a restriction from {@code from} until {@code until} was lifted. */
    private static DeviceContext lifted(long switchVersion, long from, long until) {
        DeviceContext device = device(switchVersion, false);
        return new DeviceContext(device.profile().withLastRestriction(new IngestProfile.Restriction(from, until)),
                CompiledPolicy.compile(Policy.noOp(), ZONE_KEY), Consent.ALL);
    }

    // ---- queued commands: their sent time tells when the device connected ----------------------------------------

    /** A command queue that counts the look-ups for the device's next command and has none. */
    static final class CountingCommands implements CommandQueue {
        int lookups;

        @Override
        public CompletableFuture<Optional<DeviceCommands.Claimed>> claimNext(long imei) {
            lookups++;
            return NONE.claimNext(imei);
        }

        @Override
        public CompletableFuture<Void> answered(long id, String answer, String treatment, long switchVersion) {
            return NONE.answered(id, answer, treatment, switchVersion);
        }

        @Override
        public CompletableFuture<Void> unclaim(long id) {
            return NONE.unclaim(id);
        }
    }

    @Test
    void aDeviceWithoutZonesIsAskedForItsQueuedCommandsWhenItConnects() {
        CountingCommands commands = new CountingCommands();
        connect(device(0, false), services(commands));
        assertEquals(1, commands.lookups);
    }

    @Test
    void underZonesQueuedCommandsWaitUntilTheDevicesRecordsSayWhereItIsNow() {
        CountingCommands commands = new CountingCommands();
        Policy zoned = Policy.noOp().withZones(List.of(new PrivacyZone("home", 40.0, -3.0, 300)))
                .withTiming(new TripTiming(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(2), Duration.ZERO));
        IngestProfile profile = device(0, false).profile();
        PeerChannel channel = connect(new DeviceContext(profile, CompiledPolicy.compile(zoned, ZONE_KEY), Consent.ALL),
                services(commands));
        assertEquals(0, commands.lookups, "connected as the vehicle may be leaving home: nothing says where it is");

        send(channel, NOW - 120_000, 3); // up to now, far from the zone
        sink.complete(null);
        channel.runPendingTasks();
        advance(channel, Duration.ofSeconds(1)); // what waited for the clock is decided
        while (sink.callback != null) {
            sink.complete(null);
            channel.runPendingTasks();
        }
        assertEquals(1, commands.lookups, "its records put it on the road now: the command may go");
    }

    // ---- records waiting when the device is restricted: decided private by the clock, connected or not ---------

    /** A new device's records, stored sealed: they wait for the anchor delay (5 s). */
    private PeerChannel connectedWithRecordsWaiting() {
        PeerChannel channel = connect();
        send(channel, NOW - 3_600_000, 5);
        assertEquals(5, sink.accepted.get(0).sealed(), "a new device's first records wait for the anchor delay");
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(5, reply(channel, 4));
        return channel;
    }

    @Test
    void recordsWaitingWhenTheDeviceIsRestrictedAreDecidedPrivateWhenTheAnchorDelayRunsOut() {
        PeerChannel channel = connectedWithRecordsWaiting();
        // The change feed brings the restriction to the open session before the anchor delay ends.
        channel.pipeline().get(DeviceSession.class).update(Optional.of(device(0, true)));
        channel.runPendingTasks();
        advance(channel, Duration.ofSeconds(6));
        assertEquals(2, sink.accepted.size(), "decided by the clock (deadlineReached)");
        assertEquals(new Offered(5, 0, 0, 0), sink.accepted.get(1), "all five private, none published");
    }

    @Test
    void recordsWaitingWhenTheDeviceIsRestrictedAreDecidedPrivateAfterItWent() {
        PeerChannel channel = connectedWithRecordsWaiting();
        channel.pipeline().get(DeviceSession.class).update(Optional.of(device(0, true)));
        channel.runPendingTasks();
        // The device hangs up. (Only the event: closing an EmbeddedChannel would cancel its timers.)
        channel.pipeline().fireChannelInactive();
        advance(channel, Duration.ofSeconds(6));
        assertEquals(2, sink.accepted.size(), "decided by the session that lingers (decideAfterClose)");
        assertEquals(new Offered(5, 0, 0, 0), sink.accepted.get(1), "all five private, none published");
    }

    /** A new device's first records wait sealed for the anchor delay (5 s); the clock alone then decides them. */
    @Test
    void recordsWaitingForTheClockAreDecidedWithoutAFrameAndWithoutAnAcknowledgement() {
        PeerChannel channel = connect();
        sendParked(channel, NOW - 120_000, 2);
        Offered first = sink.accepted.get(0);
        assertTrue(first.sealed() > 0, "a new device's first records are held sealed: " + first);
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(2, reply(channel, 4));

        advance(channel, Duration.ofSeconds(6));
        assertEquals(2, sink.accepted.size(), "the clock decided them: a batch without a frame");
        assertEquals(0, sink.accepted.get(1).sealed());
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(-1, reply(channel, 4), "a batch without a frame is acknowledged to nobody");
    }

    @Test
    void afterTheDeviceWentTheSessionStillDecidesWhatOnlyWaitsForTheClock() {
        PeerChannel channel = connect();
        sendParked(channel, NOW - 120_000, 2);
        assertTrue(sink.accepted.get(0).sealed() > 0);
        sink.complete(null);
        channel.runPendingTasks();
        assertEquals(2, reply(channel, 4));

        // The device hangs up. (Only the event: closing an EmbeddedChannel would cancel its timers.)
        channel.pipeline().fireChannelInactive();
        assertNull(sessions.get(IMEI));
        advance(channel, Duration.ofSeconds(6));
        assertEquals(2, sink.accepted.size(), "decided and written after the connection closed");
        assertEquals(0, sink.accepted.get(1).sealed());
    }
}
