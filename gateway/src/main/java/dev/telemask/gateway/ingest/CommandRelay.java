package dev.telemask.gateway.ingest;

import dev.telemask.codec.CommandCodec;
import dev.telemask.codec.CommandMessage;
import dev.telemask.storage.query.DeviceCommands;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends one connected device its queued commands, one at a time (a Codec 12 answer carries no id, so answers are
 * matched to commands in order), and stores each answer as {@link CommandAnswer} masks it. After a command went
 * unanswered, answers can no longer be matched with certainty, so the connection sends no more commands and stores
 * no more answers. A command that went out is never sent again, even when its connection closes before the answer:
 * it may have been carried out. Runs on the connection's event loop.
 */
final class CommandRelay {
    /** Answers are stored as text; a device could send anything. */
    static final int MAX_ANSWER_CHARACTERS = 4_096;
    private static final Logger LOG = System.getLogger(CommandRelay.class.getName());

    private final ChannelHandlerContext ctx;
    private final CommandQueue queue;
    private final IngestMetrics metrics;
    private final long imei;
    private DeviceCommands.Claimed outstanding;
    private ScheduledFuture<?> answerDeadline;
    private boolean claiming;
    /** A command was queued while a claim was under way: look again after it. */
    private boolean lookAgain;
    private boolean closed;
    /**
     * A command went unanswered: an answer that comes now could be its answer late or the next one's, so no further
     * command goes over this connection (the device's next connection starts in step).
     */
    private boolean outOfStep;

    CommandRelay(ChannelHandlerContext ctx, CommandQueue queue, IngestMetrics metrics, long imei) {
        this.ctx = ctx;
        this.queue = queue;
        this.metrics = metrics;
        this.imei = imei;
    }

    /** Sends the device's next queued command, if any and none waits for its answer. */
    void poll() {
        if (closed || outstanding != null || outOfStep) {
            return;
        }
        if (claiming) {
            lookAgain = true;
            return;
        }
        claiming = true;
        lookAgain = false;
        try {
            queue.claimNext(imei).whenComplete((claimed, failure) ->
                    ctx.executor().execute(() -> claimed(claimed, failure)));
        } catch (RuntimeException e) {
            // The look-up queue is full: the command waits for the next notification or connection.
            claiming = false;
        }
    }

    private void claimed(Optional<DeviceCommands.Claimed> claimed, Throwable failure) {
        claiming = false;
        if (failure != null) {
            LOG.log(Level.WARNING, "device {0}: cannot read its queued commands ({1}); they wait for its next"
                    + " connection", imei, failure.toString());
            return;
        }
        if (claimed.isEmpty()) {
            if (lookAgain) {
                poll();
            }
            return;
        }
        DeviceCommands.Claimed command = claimed.get();
        if (closed) {
            queue.unclaim(command.id());
            return;
        }
        outstanding = command;
        ByteBuf frame = ctx.alloc().buffer();
        CommandCodec.encode(CommandMessage.command(command.text()), frame);
        ctx.writeAndFlush(frame);
        metrics.commandSent();
        answerDeadline = ctx.executor().schedule(this::unanswered, StoredCommandQueue.ANSWER_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void unanswered() {
        // The database marks it unanswered at the next claim, made by the device's next connection.
        outstanding = null;
        outOfStep = true;
        LOG.log(Level.INFO, "device {0}: no answer to a command in {1}; its further commands wait for its next"
                + " connection", imei, StoredCommandQueue.ANSWER_TIMEOUT);
    }

    /** A Codec 12/13/14 message from the device; {@code mask} turns an answer to a command into what is stored. */
    void received(CommandMessage message,
                  java.util.function.BiFunction<String, DeviceCommands.Claimed, CommandAnswer> mask) {
        metrics.commandResponse();
        if (outstanding == null || message.type() != CommandMessage.TYPE_RESPONSE) {
            LOG.log(Level.DEBUG, "device {0}: a command message no command waits for; ignored", imei);
            return;
        }
        DeviceCommands.Claimed command = outstanding;
        outstanding = null;
        answerDeadline.cancel(false);
        CommandAnswer answer = mask.apply(text(message.payload()), command);
        metrics.commandAnswered(answer.treatment());
        queue.answered(command.id(), answer.text(), answer.treatment(), answer.switchVersion()).whenComplete((stored, failure) ->
                ctx.executor().execute(() -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "device {0}: the answer to command {1} was not stored ({2})", imei,
                                command.id(), failure.toString());
                    }
                    poll();
                }));
    }

    void closed() {
        closed = true;
        if (answerDeadline != null) {
            answerDeadline.cancel(false);
        }
    }

    /** Printable text: control characters and bytes beyond ASCII become '?', and it is cut to a bound. */
    static String text(byte[] payload) {
        int n = Math.min(payload.length, MAX_ANSWER_CHARACTERS);
        StringBuilder text = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int c = payload[i] & 0xFF;
            text.append(c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F) ? (char) c : '?');
        }
        return text.toString();
    }
}
