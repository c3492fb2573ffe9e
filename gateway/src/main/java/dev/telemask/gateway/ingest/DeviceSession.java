package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlDecoder;
import dev.telemask.codec.CodecException;
import dev.telemask.codec.CommandCodec;
import dev.telemask.codec.CommandMessage;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.storage.BatchCallback;
import dev.telemask.storage.PositionBatch;
import dev.telemask.storage.StaleSwitchesException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.lang.System.Logger;
import java.net.InetSocketAddress;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One device's TCP session: accepts or refuses its handshake, then takes its frames one at a time through decoding,
 * the privacy engine and the writer, and acknowledges each with its record count only after the commit, so frames
 * are acknowledged in order. {@link DevicePrivacy} keeps the device's privacy state in step with what is committed.
 *
 * <p>Everything here runs on the channel's event loop; results from the database and the writer are handed back to
 * it. The batch objects are reused from frame to frame: the writer owns them while a frame is in flight.
 */
final class DeviceSession extends ChannelInboundHandlerAdapter implements BatchCallback {
    /** Devices wait for each acknowledgement; a device that pipelines anyway is read no further ahead than this. */
    private static final int MAX_PENDING_FRAMES = 2;
    /** How far ahead a clock-only decision may be for a closed session to still make it. */
    private static final long LINGER_MILLIS = 60_000;
    /** The shortest wait for a clock-only decision: a deadline that is due but decides nothing must not spin. */
    private static final long MIN_CLOCK_WAIT_MILLIS = 100;

    private static final Logger LOG = System.getLogger(DeviceSession.class.getName());

    private final IngestServices services;
    private ChannelHandlerContext ctx;
    private boolean closed;

    private long imei = -1;
    private DeviceContext device;

    private final DevicePrivacy privacy;
    /** The device's commands; made once the device is accepted. */
    private CommandRelay commands;
    /** When this connection's device came online (gateway clock), for its offline event. */
    private long onlineAtMillis;
    private final PositionBatch positions = new PositionBatch();
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(MAX_PENDING_FRAMES + 1);
    private boolean inFlight;
    /** The writer refused the batch: not reading until its queue wakes this session (see {@link #offer}). */
    private boolean parked;
    /** The writer's wake-up for a refused offer; runs on a writer thread, so it only hands over to the event loop. */
    private final Runnable roomFreed = () -> ctx.executor().execute(this::retryParked);
    private int frameRecords;
    private long frameDecodedAt;
    /** What the frame in flight arrived under: masked again after a stale write, it is judged as received then. */
    private final FrameArrival arrival = new FrameArrival();
    /** Queued commands wait until the device's presence may be told ({@link #pollCommands}). */
    private boolean commandsHeld;

    /** Whether the batch in flight came from the clock, not a frame: it gets no acknowledgement. */
    private boolean framelessInFlight;
    /**
     * Whether the batch in flight is a restricted device's empty one (see {@link #confirmRestriction}): it carries no
     * records of the ledger's, so neither a commit nor a roll-back of the ledger goes with it.
     */
    private boolean restrictionInFlight;
    private final ClockDeadline deadline = new ClockDeadline();
    /** The acknowledgement buffer this session reuses (see {@link #ackBuffer}); one reference is the session's. */
    private ByteBuf ack;

    DeviceSession(IngestServices services) {
        this.services = services;
        this.privacy = new DevicePrivacy(services.limits());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DeviceHandshake handshake) {
            handshake(handshake.imei());
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        if (closed) {
            frame.release();
            return;
        }
        pending.add(frame);
        processPending();
    }

    // ---- handshake ---------------------------------------------------------------------------------

    private void handshake(long imei) {
        this.imei = imei;
        ctx.channel().config().setAutoRead(false);
        try {
            services.contexts().connect(imei).whenComplete((found, failure) ->
                    ctx.executor().execute(() -> lookedUp(found, failure)));
        } catch (RuntimeException e) {
            // The look-up queue is full: the device retries its connection.
            lookedUp(null, e);
        }
    }

    private void lookedUp(Optional<DeviceContext> found, Throwable failure) {
        if (closed) {
            return;
        }
        if (failure != null) {
            // A storm of reconnections fills the look-ups' queue, and a database away fails every look-up: either way
            // many devices at once, so the lines are the refusal log's, at most one per address a minute.
            boolean busy = failure instanceof RejectedExecutionException
                    || failure.getCause() instanceof RejectedExecutionException;
            services.metrics().reject(busy ? IngestMetrics.Reject.LOOKUP_BUSY : IngestMetrics.Reject.LOOKUP_FAILED);
            String why = "device " + imei + (busy ? ": too many device look-ups wait" : " could not be looked up ("
                    + failure + ")") + "; closed, it will reconnect";
            if (ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress remote) {
                services.refusals().refused(remote.getAddress(), why);
            } else {
                LOG.log(Level.WARNING, why);
            }
            ctx.close();
            return;
        }
        if (found.isEmpty()) {
            services.metrics().reject(IngestMetrics.Reject.UNKNOWN_DEVICE);
            // The first refusal of each IMEI is logged; the metric counts every attempt (a fleet reconnects all day).
            if (ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress remote) {
                services.refusals().unregistered(remote.getAddress(), imei);
            }
            ByteBuf reply = ctx.alloc().buffer(TcpAvlCodec.HANDSHAKE_REPLY_LENGTH);
            TcpAvlCodec.encodeHandshakeReply(false, reply);
            ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        device = found.get();
        privacy.restore(device);
        DeviceSession replaced = services.sessions().register(imei, this);
        if (replaced != null) {
            replaced.replacedBy();
        }
        onlineAtMillis = services.clock().getAsLong();
        if (!privacy.presenceHidden(device, onlineAtMillis)) {
            services.connectionEvents().online(imei, onlineAtMillis);
        }
        ByteBuf reply = ctx.alloc().buffer(TcpAvlCodec.HANDSHAKE_REPLY_LENGTH);
        TcpAvlCodec.encodeHandshakeReply(true, reply);
        ctx.writeAndFlush(reply);
        commands = new CommandRelay(ctx, services.commands(), services.metrics(), imei);
        pollCommands();
        processPending();
        scheduleDeadline();
    }

    /** Waiting records may be decided by the clock alone (anchor delay, expiry): look again then. */
    private void scheduleDeadline() {
        if (closed || device == null) {
            return;
        }
        long next = privacy.nextDeadlineMillis(device);
        long delay = Math.max(MIN_CLOCK_WAIT_MILLIS, next - services.clock().getAsLong() + 1);
        deadline.schedule(ctx.executor(), next, delay, this::deadlineReached);
    }

    private void deadlineReached() {
        deadline.fired();
        if (closed || device == null) {
            return;
        }
        if (inFlight || parked || !pending.isEmpty()) {
            return; // the frame in flight reschedules when it completes
        }
        if (privacy.mask(device, null, positions, services.clock().getAsLong(), services.metrics())) {
            framelessInFlight = true;
            offer();
        } else {
            scheduleDeadline();
        }
    }

    /** The device connected again elsewhere on this instance: this older connection goes. Any thread. */
    void replacedBy() {
        ctx.executor().execute(() -> {
            if (!closed) {
                services.metrics().replaced();
                ctx.close();
            }
        });
    }

    /**
     * Sends the device's next queued command unless commands wait ({@link DevicePrivacy#commandsHeld}): then the next
     * stored write or change of the device looks again.
     */
    private void pollCommands() {
        commandsHeld = privacy.commandsHeld(device, services.clock().getAsLong());
        if (!commandsHeld) {
            commands.poll();
        }
    }

    /** A command was queued for the device (on any instance). Any thread. */
    void commandQueued() {
        ctx.executor().execute(() -> {
            if (!closed && commands != null) {
                pollCommands();
            }
        });
    }

    /** The device's registration, policy or consent changed. Any thread. */
    void update(Optional<DeviceContext> context) {
        ctx.executor().execute(() -> {
            if (closed || device == null) {
                return;
            }
            if (context.isEmpty()) {
                LOG.log(Level.INFO, "device {0} was removed; closing its connection", imei);
                ctx.close();
                return;
            }
            // The switches are read per frame from the device's profile: they hold from the next frame on. The
            // database's switch version is not taken up with them: it also counts the claims of the device's other
            // connections (over UDP, on another instance), which may have stored records this session's ledger does
            // not know. Under its old version the next write is refused as stale, and the session then claims the
            // device again and takes up what is stored (see written).
            device = context.get().withSwitchVersionOf(device);
            services.metrics().changeTakenUp();
            if (commandsHeld) {
                pollCommands(); // a zone removed, say
            }
        });
    }

    long imei() {
        return imei;
    }

    /** The device's fleet, -1 before it is known. */
    long tenantId() {
        DeviceContext current = device;
        return current == null ? -1 : current.profile().tenantId();
    }

    Long policyId() {
        DeviceContext current = device;
        return current == null ? null : current.profile().policyId();
    }

    // ---- frames ------------------------------------------------------------------------------------

    private void processPending() {
        while (device != null && !inFlight && !parked && !closed && !pending.isEmpty()) {
            ByteBuf frame = pending.poll();
            try {
                process(frame);
            } finally {
                frame.release();
            }
        }
        updateReading();
    }

    /**
     * Reads the socket only when a frame could be taken on: accepted, not parked, little waiting, and the device
     * reading its acknowledgements (a channel above its high water mark is unwritable: a device that never reads
     * would otherwise pile up an acknowledgement in memory per frame it sends, without bound).
     */
    private void updateReading() {
        if (!closed) {
            ctx.channel().config().setAutoRead(device != null && !parked && pending.size() < MAX_PENDING_FRAMES
                    && ctx.channel().isWritable() && !services.draining().get());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Before the look-up answered, the handshake decides reading (see handshake and lookedUp).
        if (device != null) {
            updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void process(ByteBuf frame) {
        // Decoded straight into the ledger's copy of the frame: no frame is in flight here (see processPending),
        // so nothing still needs the last one.
        AvlBatch batch = privacy.frameBatch();
        try {
            if (TcpAvlCodec.frameKind(frame) == TcpAvlCodec.FrameKind.COMMAND) {
                CommandMessage message = CommandCodec.decode(frame);
                commands.received(message, (text, command) -> CommandAnswer.of(text, command.text(),
                        command.revealsLocation(), privacy, device, services.clock().getAsLong()));
                return;
            }
            AvlDecoder.decodeTcpFrame(frame, batch);
        } catch (CodecException e) {
            // Not acknowledged: after a CRC error the device sends the frame again.
            services.metrics().framingError(e.reason());
            LOG.log(Level.DEBUG, "device {0}: frame refused: {1}", imei, e.getMessage());
            if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
                services.malformedFrames().refused(remote.getAddress(), "device " + imei + ": " + e.getMessage()
                        + "; not acknowledged");
            }
            return;
        }
        int n = batch.size();
        services.metrics().frame(batch.codec(), n);
        frameRecords = n;
        frameDecodedAt = System.nanoTime();
        arrival.arrived(services.clock().getAsLong(), device);
        if (n == 0) {
            acknowledge();
            return;
        }
        if (device.restricted()) {
            confirmRestriction();
            return;
        }
        if (!privacy.mask(device, batch, positions, arrival.millis(), services.metrics())) {
            acknowledge(); // nothing to store: every record was a resend or out of the time bounds
            return;
        }
        framelessInFlight = false;
        offer();
    }

    /**
     * A restricted device's frame is acknowledged and dropped, but only once the database says the restriction still
     * holds: a lift that returned before the frame arrived may not have reached this session yet (the change feed is
     * asynchronous), and records received after it must be stored. An empty batch under the switch version the
     * session knows goes through the writer, which refuses it as stale when the switches changed; the session then
     * claims the device again and masks the frame (the ledger's last frame, decoded but not applied) under what the
     * database holds.
     */
    private void confirmRestriction() {
        positions.switchCheck(imei, arrival.millis(), device.profile().switchVersion());
        restrictionInFlight = true;
        framelessInFlight = false;
        offer();
    }

    /**
     * Hands the batch to the writer. When its queue is full, the session stops reading and the queue keeps its
     * wake-up under the same lock as the refusal, so the session is called back exactly once when room frees.
     */
    private void offer() {
        if (services.writer().offerOrWait(positions, this, roomFreed)) {
            inFlight = true;
            parked = false;
            return;
        }
        if (!parked) {
            parked = true;
            services.metrics().paused();
        }
        updateReading();
    }

    private void retryParked() {
        if (!parked || closed) {
            return;
        }
        offer();
        if (!parked) {
            updateReading();
        }
    }

    /** Claims the device again and masks the frame in flight anew under what the database holds ({@link #remask}). */
    private void reclaim() {
        services.metrics().reclaimed();
        inFlight = true;
        try {
            services.contexts().connect(imei).whenComplete((found, error) ->
                    ctx.executor().execute(() -> remask(found, error)));
        } catch (RuntimeException e) {
            remask(null, e);
        }
    }

    /** The writer's verdict on a restricted device's empty batch ({@link #confirmRestriction}). */
    private void restrictionWritten(Throwable failure) {
        restrictionInFlight = false;
        if (closed) {
            lingerForDecisions(); // the frame goes unacknowledged: the device sends it again
            return;
        }
        if (failure instanceof StaleSwitchesException) {
            reclaim();
            return;
        }
        if (failure == null) {
            services.metrics().restricted(frameRecords);
            acknowledge();
        } else {
            services.metrics().writeFailed();
        }
        processPending();
        scheduleDeadline();
    }

    /** The writer's verdict on the frame in flight; on a writer thread. */
    @Override
    public void completed(PositionBatch batch, Throwable failure) {
        ctx.executor().execute(() -> written(failure));
    }

    private void written(Throwable failure) {
        inFlight = false;
        if (restrictionInFlight) {
            restrictionWritten(failure);
            return;
        }
        if (closed) {
            // Keep the ledger in step with what is stored, for the decisions made after the device went.
            framelessInFlight = false;
            if (failure == null) {
                privacy.committed(positions);
                lingerForDecisions();
            } else {
                privacy.rollBack(); // the device's next session decides them
            }
            return;
        }
        if (failure instanceof StaleSwitchesException) {
            // A switch changed after this batch was masked, or another connection of the device (over UDP, or to
            // another instance) claimed it and may have stored records since: either way this session's ledger may be
            // behind the database. Claim the device again, take up what is stored (the decided state and the sealed
            // records) and mask the same records again; the other connection's next write then does the same.
            privacy.rollBack();
            reclaim();
            return;
        }
        if (failure == null) {
            privacy.committed(positions);
            if (!framelessInFlight) {
                acknowledge();
            }
            if (commandsHeld) {
                pollCommands(); // the records stored may say where the vehicle is now
            }
        } else {
            // The device will resend this frame.
            privacy.rollBack();
            if (!framelessInFlight) {
                services.metrics().writeFailed();
            }
        }
        framelessInFlight = false;
        processPending();
        scheduleDeadline();
    }

    private void remask(Optional<DeviceContext> found, Throwable error) {
        inFlight = false;
        if (closed) {
            return;
        }
        if (error != null || found.isEmpty()) {
            // Unacknowledged: the device sends the frame again once it has reconnected.
            ctx.close();
            return;
        }
        device = found.get();
        privacy.restore(device);
        boolean frame = !framelessInFlight;
        framelessInFlight = false;
        if (frame && arrival.whileRestricted(device)) {
            services.metrics().restricted(frameRecords);
            acknowledge();
            if (privacy.nextDeadlineMillis(device) == Long.MAX_VALUE) {
                processPending(); // nothing waits
                return;
            }
            // Its records are dropped; what waited sealed when the device was restricted is still decided by the
            // clock below, private (DevicePrivacy.mask): the ledger, restored, knows its next deadline only then.
            frame = false;
        }
        // The frame's records as received when they arrived, not now: the switches the database holds say until when
        // each held (private mode's end is stored), and a change of rules since is after them (rules_changed_at).
        long receivedAt = frame ? arrival.millis() : services.clock().getAsLong();
        DeviceContext masker = frame ? arrival.masker(device) : device;
        if (!privacy.mask(masker, frame ? privacy.lastFrame() : null, positions, receivedAt, services.metrics())) {
            if (frame) {
                acknowledge();
            }
            processPending();
            scheduleDeadline();
            return;
        }
        framelessInFlight = !frame;
        offer();
    }

    private void acknowledge() {
        ByteBuf out = ackBuffer();
        TcpAvlCodec.encodeAck(frameRecords, out);
        // Nothing waits on the write: no promise per frame (a failed write reaches exceptionCaught).
        ctx.writeAndFlush(out, ctx.voidPromise());
        services.metrics().acknowledged(frameDecodedAt);
    }

    /**
     * An empty buffer for the next acknowledgement, whose one reference goes to the write. The session keeps one
     * buffer ({@link #ack}) and reuses it once the write before has let go of it: a write releases its buffer when
     * the bytes reached the socket or the write failed, on this event loop, so a reference count of one (the
     * session's own) says nobody reads it any more. An acknowledgement still queued (a device that does not read)
     * keeps its buffer, and the next one gets a new buffer. Taking four bytes from the pool per frame was 6 % of the
     * event loops' time at 10,000 connections (bench/README.md).
     */
    private ByteBuf ackBuffer() {
        if (closed) {
            return ctx.alloc().directBuffer(TcpAvlCodec.ACK_LENGTH);
        }
        if (ack == null || ack.refCnt() != 1) {
            if (ack != null) {
                ack.release();
            }
            ack = ctx.alloc().directBuffer(TcpAvlCodec.ACK_LENGTH);
        }
        return ack.clear().retain();
    }

    // ---- lifecycle ---------------------------------------------------------------------------------

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            services.metrics().idleClosed();
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (commands != null) {
            commands.closed();
        }
        if (device != null) {
            // A device that connected again (here or elsewhere) is not offline: only the newest connection says so;
            // nor is one whose gateway is shutting down (it reconnects to another instance).
            long now = services.clock().getAsLong();
            if (services.sessions().get(imei) == this && !services.draining().get()
                    && !privacy.presenceHidden(device, now)) {
                services.connectionEvents().offline(imei, now, onlineAtMillis);
            }
            services.sessions().remove(imei, this);
        }
        ByteBuf frame;
        while ((frame = pending.poll()) != null) {
            frame.release();
        }
        if (ack != null) {
            ack.release();
            ack = null;
        }
        if (!inFlight) {
            lingerForDecisions();
        }
        ctx.fireChannelInactive();
    }

    /**
     * After the device went: records waiting only for the clock (a new device's anchor delay, the same-place delay)
     * are still decided by this session, so that a device that sends and hangs up is not left sealed until it comes
     * back. Not when the device is back on this instance, nor for a deadline further away than {@link #LINGER_MILLIS}
     * (the expiry job has those), nor while the gateway shuts down.
     */
    private void lingerForDecisions() {
        if (device == null || services.draining().get()) {
            return;
        }
        long deadline = privacy.nextDeadlineMillis(device);
        long delay = deadline - services.clock().getAsLong() + 1;
        if (deadline == Long.MAX_VALUE || delay > LINGER_MILLIS) {
            return;
        }
        ctx.executor().schedule(this::decideAfterClose, Math.max(MIN_CLOCK_WAIT_MILLIS, delay), TimeUnit.MILLISECONDS);
    }

    private void decideAfterClose() {
        if (inFlight || services.draining().get() || services.sessions().get(imei) != null) {
            return;
        }
        if (!privacy.mask(device, null, positions, services.clock().getAsLong(), services.metrics())) {
            lingerForDecisions();
            return;
        }
        framelessInFlight = true;
        inFlight = true;
        if (!services.writer().offer(positions, this)) {
            inFlight = false;
            framelessInFlight = false;
            privacy.rollBack();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.log(Level.DEBUG, "device {0}: connection error {1}", imei, cause.toString());
        } else {
            LOG.log(Level.WARNING, "device " + imei + ": closing after an unexpected error", cause);
        }
        ctx.close();
    }
}
