package dev.telemask.simulator;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;

/**
 * One simulated tracker: its vehicle, its connection and the frame waiting for an ACK. It behaves like a real device:
 * it sends the next frame only after the previous one was acknowledged with the right record count, and when no ACK
 * comes in time, or the count is wrong, or the connection drops, it reconnects (with backoff) and sends the same frame
 * again. Reconnecting rather than resending on the same connection keeps every ACK unambiguous: a late ACK of the
 * first copy cannot be mistaken for the ACK of the next frame.
 *
 * <p>Everything runs on the device's own event loop, so the state needs no locks.
 */
final class SimulatedDevice {
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final AvlCodecId CODEC = AvlCodecId.CODEC_8E;

    private final long imei;
    private final EventLoop loop;
    private final FleetContext fleet;
    private final SimulatedVehicle vehicle;
    private final AvlBatch records = new AvlBatch();

    private Channel channel;
    private boolean accepted;
    private boolean finished;
    private ScheduledFuture<?> frameTimer;
    private boolean frameDue;
    /** The frame sent and not yet acknowledged, or null. */
    private ByteBuf pendingFrame;
    private long pendingSentAt;
    private ScheduledFuture<?> replyTimeout;
    private long backoffMillis;

    SimulatedDevice(long imei, EventLoop loop, FleetContext fleet, SimulatedVehicle vehicle) {
        this.imei = imei;
        this.loop = loop;
        this.fleet = fleet;
        this.vehicle = vehicle;
    }

    long imei() {
        return imei;
    }

    /** Connects for the first time after {@code delayNanos} (the ramp); call from any thread. */
    void startAfter(long delayNanos) {
        loop.schedule(this::connect, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The duration is over: no new frames; the device leaves once its frame in flight is acknowledged. */
    void stopSending() {
        loop.execute(() -> {
            cancel(frameTimer);
            frameDue = false;
            if (pendingFrame == null) {
                finish();
            }
        });
    }

    /** The drain period is over: close whatever is left; an unacknowledged frame stays counted as such. */
    void abandon() {
        loop.execute(() -> {
            dropPendingFrame();
            finish();
        });
    }

    private void connect() {
        if (finished || (fleet.draining() && pendingFrame == null)) {
            return;
        }
        ChannelFuture connecting = fleet.connect(loop, this);
        channel = connecting.channel();
        connecting.addListener(future -> {
            if (connecting.channel() != channel) {
                return;
            }
            if (!future.isSuccess()) {
                fleet.counters.connectFailures.increment();
                channel = null;
                reconnectLater();
            } else {
                ByteBuf handshake = channel.alloc().directBuffer(2 + 15);
                AvlEncoder.encodeHandshake(imei, handshake);
                channel.writeAndFlush(handshake, channel.voidPromise());
                armReplyTimeout();
            }
        });
    }

    void onHandshakeReply(Channel from, boolean accept) {
        if (from != channel) {
            return;
        }
        cancel(replyTimeout);
        if (!accept) {
            // The IMEI is not registered: it never will be during this run, so its frame is lost.
            fleet.deviceRefused(imei);
            dropPendingFrame();
            finish();
            return;
        }
        accepted = true;
        backoffMillis = 0;
        fleet.counters.deviceConnected();
        if (pendingFrame != null) {
            fleet.counters.framesResent.increment();
            fleet.counters.recordsResent.add(records.size());
            send();
        } else if (frameTimer == null) {
            // A random phase spreads the fleet's frames evenly over the period.
            long period = fleet.options.framePeriodNanos();
            frameTimer = loop.scheduleAtFixedRate(this::onFrameTimer,
                    ThreadLocalRandom.current().nextLong(period), period, TimeUnit.NANOSECONDS);
        } else if (frameDue) {
            sendNewFrame();
        }
    }

    private void onFrameTimer() {
        if (accepted && pendingFrame == null) {
            sendNewFrame();
        } else {
            // Like a real device, wait for the ACK (or the connection) before sending more.
            frameDue = true;
        }
    }

    private void sendNewFrame() {
        frameDue = false;
        if (!fleet.beginFrame()) {
            return;
        }
        records.clear();
        for (int i = 0; i < fleet.options.recordsPerFrame(); i++) {
            vehicle.appendRecord(records);
        }
        pendingFrame = channel.alloc().directBuffer(64 + records.size() * 96);
        AvlEncoder.encodeTcpFrame(records, CODEC, pendingFrame);
        fleet.counters.framesSent.increment();
        fleet.counters.recordsSent.add(records.size());
        send();
    }

    private void send() {
        pendingSentAt = System.nanoTime();
        channel.writeAndFlush(pendingFrame.retainedDuplicate(), channel.voidPromise());
        armReplyTimeout();
    }

    void onAck(Channel from, int count) {
        if (from != channel || pendingFrame == null) {
            return;
        }
        cancel(replyTimeout);
        if (count != records.size()) {
            // A wrong count means the server did not take the frame as sent: send it again on a new connection.
            fleet.counters.wrongAckCounts.increment();
            channel.close();
            return;
        }
        fleet.counters.recordAckLatency(System.nanoTime() - pendingSentAt);
        fleet.counters.framesAcked.increment();
        fleet.counters.recordsAcked.add(count);
        fleet.options.listener().frameAcknowledged(imei, records);
        pendingFrame.release();
        pendingFrame = null;
        fleet.endFrame();
        if (fleet.draining()) {
            finish();
        } else if (frameDue) {
            sendNewFrame();
        }
    }

    void onDisconnected(Channel from) {
        if (from != channel) {
            return;
        }
        cancel(replyTimeout);
        if (accepted) {
            accepted = false;
            fleet.counters.deviceDisconnected();
        }
        channel = null;
        reconnectLater();
    }

    private void reconnectLater() {
        if (finished || (fleet.draining() && pendingFrame == null)) {
            return;
        }
        fleet.counters.reconnects.increment();
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, Math.max(MIN_BACKOFF_MILLIS, backoffMillis * 2));
        // Jitter, so that a server restart is not answered by every device in the same millisecond.
        long delay = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void armReplyTimeout() {
        cancel(replyTimeout);
        Channel waitingOn = channel;
        replyTimeout = loop.schedule(() -> {
            if (waitingOn == channel) {
                fleet.counters.timeouts.increment();
                waitingOn.close();
            }
        }, fleet.options.ackTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void dropPendingFrame() {
        if (pendingFrame != null) {
            pendingFrame.release();
            pendingFrame = null;
            fleet.endFrame();
        }
    }

    private void finish() {
        finished = true;
        cancel(frameTimer);
        cancel(replyTimeout);
        if (channel != null) {
            channel.close();
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }
}
