package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.CodecException;
import dev.telemask.codec.UdpAvlCodec;
import dev.telemask.storage.PositionBatch;
import dev.telemask.storage.StaleSwitchesException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.collection.LongObjectHashMap;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The UDP variant of the ingest path: every datagram names its device, goes through the privacy engine and the
 * writer like a TCP frame, and is acknowledged to its sender after the commit. One datagram per device is in flight
 * at a time; a device's datagram that arrives meanwhile is dropped unacknowledged and comes again.
 *
 * <p>Runs on the datagram channel's one event loop, which owns the device map.
 */
final class UdpIngestHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = System.getLogger(UdpIngestHandler.class.getName());
    /**
     * Look-ups of UDP devices waiting at once: datagrams naming unknown devices (any sender can forge them) must not
     * fill the look-up queue that TCP handshakes need too. Beyond it a new device's datagram is dropped and comes
     * again.
     */
    static final int MAX_LOOKUPS = 64;

    /** A UDP device between datagrams. */
    private static final class UdpDevice {
        DeviceContext context;
        final DevicePrivacy privacy;
        final PositionBatch positions = new PositionBatch();
        boolean loading;
        boolean inFlight;
        boolean stale;
        final ClockDeadline deadline = new ClockDeadline();
        /** What the datagram in flight arrived under, and whom to acknowledge it: judged again after a stale write. */
        final FrameArrival arrival = new FrameArrival();
        InetSocketAddress sender;
        int packetId;
        int avlPacketId;
        int records;
        long decodedAt;

        UdpDevice(IngestLimits limits) {
            privacy = new DevicePrivacy(limits);
        }
    }

    private final IngestServices services;
    /** By IMEI, a primitive key: a datagram's look-up boxes nothing. */
    private final LongObjectHashMap<UdpDevice> devices = new LongObjectHashMap<>();
    private final UdpAvlCodec.Header header = new UdpAvlCodec.Header();
    /**
     * The datagram being decoded, reused for every datagram: {@link #handle} copies it into the device's own ledger
     * (to be judged again from there after a stale write), and the writer is handed the device's
     * {@link PositionBatch}, never this, so it is free again as soon as {@link #handle} returns.
     */
    private final AvlBatch batch = new AvlBatch();
    private ChannelHandlerContext ctx;
    private int lookups;

    UdpIngestHandler(IngestServices services) {
        this.services = services;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (!services.allowedSources().allows(packet.sender().getAddress())) {
            services.metrics().reject(IngestMetrics.Reject.ADDRESS_NOT_ALLOWED);
            services.refusals().refused(packet.sender().getAddress(),
                    "UDP datagram: the address is not in device.allowed-networks");
            return; // not read, not acknowledged
        }
        try {
            UdpAvlCodec.decode(packet.content(), header, batch);
        } catch (CodecException e) {
            services.metrics().framingError(e.reason());
            services.malformedFrames().refused(packet.sender().getAddress(), "UDP datagram: " + e.getMessage());
            return;
        }
        services.metrics().frame(batch.codec(), batch.size());
        long imei = header.imei();
        UdpDevice device = devices.get(imei);
        if (device == null) {
            device = new UdpDevice(services.limits());
            devices.put(imei, device);
        }
        if (device.context == null || device.stale) {
            if (!device.loading && !device.inFlight) {
                load(imei, device, packet.sender());
            }
            return; // unacknowledged: the device sends it again, by then we know it
        }
        if (device.inFlight) {
            return;
        }
        handle(device, batch, header.packetId(), header.avlPacketId(), packet.sender());
    }

    private void load(long imei, UdpDevice device, InetSocketAddress sender) {
        if (lookups >= MAX_LOOKUPS) {
            services.metrics().reject(IngestMetrics.Reject.LOOKUP_BUSY);
            forgetUnknown(imei, device);
            return;
        }
        device.loading = true;
        lookups++;
        try {
            services.contexts().connect(imei).whenComplete((found, failure) -> ctx.executor().execute(() -> {
                device.loading = false;
                lookups--;
                if (failure != null) {
                    services.metrics().reject(IngestMetrics.Reject.LOOKUP_FAILED);
                    forgetUnknown(imei, device);
                    return;
                }
                if (found.isEmpty()) {
                    services.metrics().reject(IngestMetrics.Reject.UNKNOWN_DEVICE);
                    services.refusals().unregistered(sender.getAddress(), imei);
                    devices.remove(imei);
                    return;
                }
                device.context = found.get();
                device.stale = false;
                device.privacy.restore(device.context);
                scheduleDeadline(device);
            }));
        } catch (RuntimeException e) {
            device.loading = false;
            lookups--;
            services.metrics().reject(IngestMetrics.Reject.LOOKUP_FAILED);
            forgetUnknown(imei, device);
        }
    }

    /** A device never looked up takes no memory: a flood of invented IMEIs must not grow the map. */
    private void forgetUnknown(long imei, UdpDevice device) {
        if (device.context == null && !device.loading && devices.get(imei) == device) {
            devices.remove(imei);
        }
    }

    private void handle(UdpDevice device, AvlBatch batch, int packetId, int avlPacketId, InetSocketAddress sender) {
        int n = batch.size();
        long decodedAt = System.nanoTime();
        if (n == 0) {
            acknowledge(sender, packetId, avlPacketId, n, decodedAt);
            return;
        }
        device.sender = sender;
        device.packetId = packetId;
        device.avlPacketId = avlPacketId;
        device.records = n;
        device.decodedAt = decodedAt;
        device.arrival.arrived(System.currentTimeMillis(), device.context);
        // Into the ledger, as a TCP session decodes its frame: its write refused as stale, the datagram is judged again
        // from there as received at this moment, not as its resend (which may come after a switch ended) would be.
        device.privacy.frameBatch().copyFrom(batch);
        if (device.context.restricted()) {
            confirmRestriction(device);
            return;
        }
        maskAndOffer(device, device.context, false);
    }

    /**
     * Masks the datagram in flight (the ledger's last frame) as received when it arrived, under {@code masker}, and
     * hands it to the writer. {@code again}: judged again after a stale write, so a full queue is waited out here
     * rather than left to its resend, which would be judged as received later.
     */
    private void maskAndOffer(UdpDevice device, DeviceContext masker, boolean again) {
        if (!device.privacy.mask(masker, device.privacy.lastFrame(), device.positions, device.arrival.millis(),
                services.metrics())) {
            acknowledge(device);
            scheduleDeadline(device);
            return;
        }
        boolean accepted = services.writer().offer(device.positions, (b, failure) -> ctx.executor().execute(() -> {
            device.inFlight = false;
            if (failure == null) {
                device.privacy.committed(device.positions);
                acknowledge(device);
            } else {
                device.privacy.rollBack();
                if (failure instanceof StaleSwitchesException) {
                    reclaim(device);
                    return;
                }
                services.metrics().writeFailed();
            }
            scheduleDeadline(device);
        }));
        if (accepted) {
            device.inFlight = true;
            return;
        }
        // Queue full: UDP has no socket to pause.
        device.privacy.rollBack();
        services.metrics().paused();
        if (again) {
            device.inFlight = true; // its resends are dropped meanwhile
            ctx.executor().schedule(() -> {
                device.inFlight = false;
                maskAndOffer(device, masker, true);
            }, 1, TimeUnit.SECONDS);
        }
        // Otherwise not acknowledged: the device resends it.
    }

    /**
     * A restricted device's datagram is acknowledged and dropped once the database says the restriction still holds
     * (see {@code DeviceSession.confirmRestriction}): an empty batch under the switch version known here goes through
     * the writer; refused as stale, the datagram is judged again under what the database holds, as received when it
     * arrived.
     */
    private void confirmRestriction(UdpDevice device) {
        // The device's own batch: nothing of it is in flight (one datagram at a time), and it carries no records now.
        PositionBatch check = device.positions.switchCheck(device.context.imei(), device.arrival.millis(),
                device.context.profile().switchVersion());
        boolean accepted = services.writer().offer(check, (b, failure) -> ctx.executor().execute(() -> {
            device.inFlight = false;
            if (failure == null) {
                services.metrics().restricted(device.records);
                acknowledge(device);
            } else if (failure instanceof StaleSwitchesException) {
                reclaim(device);
            } else {
                services.metrics().writeFailed();
            }
        }));
        if (accepted) {
            device.inFlight = true;
        } else {
            services.metrics().paused();
        }
    }

    /**
     * A switch changed after the datagram in flight was masked, or another connection of the device (TCP, or another
     * instance) claimed it: claims the device again, takes up what is stored and judges the datagram anew as received
     * when it arrived (see {@code DeviceSession.remask}). Its resends are dropped meanwhile.
     */
    private void reclaim(UdpDevice device) {
        services.metrics().reclaimed();
        device.inFlight = true;
        try {
            services.contexts().connect(device.context.imei()).whenComplete((found, failure) ->
                    ctx.executor().execute(() -> remask(device, failure == null ? found : null)));
        } catch (RuntimeException e) {
            remask(device, null);
        }
    }

    /** {@code found} null: the look-up failed. */
    private void remask(UdpDevice device, Optional<DeviceContext> found) {
        device.inFlight = false;
        if (found == null || found.isEmpty()) {
            device.stale = true; // unacknowledged: its resend is looked up again
            return;
        }
        device.context = found.get();
        device.stale = false;
        device.privacy.restore(device.context);
        if (device.arrival.whileRestricted(device.context)) {
            services.metrics().restricted(device.records);
            acknowledge(device);
            scheduleDeadline(device);
            return;
        }
        maskAndOffer(device, device.arrival.masker(device.context), true);
    }

    /** Waiting records may be decided by the clock alone (anchor delay, expiry): look again then. */
    private void scheduleDeadline(UdpDevice device) {
        if (device.context == null) {
            return;
        }
        long deadline = device.privacy.nextDeadlineMillis(device.context);
        device.deadline.schedule(ctx.executor(), deadline, Math.max(100, deadline - System.currentTimeMillis() + 1),
                () -> {
                    device.deadline.fired();
                    decideByClock(device);
                });
    }

    private void decideByClock(UdpDevice device) {
        if (device.inFlight || device.loading || device.context == null || device.stale
                || devices.get(device.context.imei()) != device) {
            return;
        }
        if (!device.privacy.mask(device.context, null, device.positions, System.currentTimeMillis(),
                services.metrics())) {
            scheduleDeadline(device);
            return;
        }
        boolean accepted = services.writer().offer(device.positions, (b, failure) -> ctx.executor().execute(() -> {
            device.inFlight = false;
            if (failure == null) {
                device.privacy.committed(device.positions);
            } else {
                device.privacy.rollBack();
                device.stale = failure instanceof StaleSwitchesException || device.stale;
            }
            scheduleDeadline(device);
        }));
        if (accepted) {
            device.inFlight = true;
        } else {
            device.privacy.rollBack();
            ctx.executor().schedule(() -> decideByClock(device), 1, TimeUnit.SECONDS);
        }
    }

    private void acknowledge(UdpDevice device) {
        acknowledge(device.sender, device.packetId, device.avlPacketId, device.records, device.decodedAt);
    }

    private void acknowledge(InetSocketAddress sender, int packetId, int avlPacketId, int accepted, long decodedAt) {
        ByteBuf ack = ctx.alloc().buffer(UdpAvlCodec.ACK_LENGTH);
        UdpAvlCodec.encodeAck(packetId, avlPacketId, accepted, ack);
        ctx.writeAndFlush(new DatagramPacket(ack, sender));
        services.metrics().acknowledged(decodedAt);
    }

    /** Looks the device up again at its next datagram. Any thread. */
    void forget(long imei) {
        if (ctx != null) {
            ctx.executor().execute(() -> {
                UdpDevice device = devices.get(imei);
                if (device != null) {
                    device.stale = true;
                }
            });
        }
    }

    /** Looks every device up again at its next datagram. Any thread. */
    void forgetAll() {
        if (ctx != null) {
            ctx.executor().execute(() -> devices.values().forEach(d -> d.stale = true));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "UDP ingest error", cause);
    }
}
