package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.telemask.codec.CommandCodec;
import dev.telemask.codec.CommandMessage;
import dev.telemask.storage.query.DeviceCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One device's commands over its connection, answers matched in order; no guessing once out of step. */
class CommandRelayTest {
    /** Commands waiting, and what was stored, as the database would hold them. */
    private static final class Queue implements CommandQueue {
        final ArrayDeque<DeviceCommands.Claimed> waiting = new ArrayDeque<>();
        final List<String> stored = new ArrayList<>();
        int claims;

        @Override
        public CompletableFuture<Optional<DeviceCommands.Claimed>> claimNext(long imei) {
            claims++;
            return CompletableFuture.completedFuture(Optional.ofNullable(waiting.poll()));
        }

        @Override
        public CompletableFuture<Void> answered(long id, String answer, String treatment, long switchVersion) {
            stored.add(id + " " + treatment + " " + answer + " @" + switchVersion);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> unclaim(long id) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private final Queue queue = new Queue();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final CommandRelay relay = new CommandRelay(channel.pipeline().firstContext(), queue,
            new IngestMetrics(new SimpleMeterRegistry()), 356_307_042_441_013L);

    private String sent() {
        channel.runPendingTasks();
        ByteBuf frame = channel.readOutbound();
        if (frame == null) {
            return null;
        }
        try {
            return new String(CommandCodec.decode(frame).payload(), StandardCharsets.US_ASCII);
        } finally {
            frame.release();
        }
    }

    private void answer(String text) {
        relay.received(new CommandMessage(CommandMessage.CODEC_12, CommandMessage.TYPE_RESPONSE, -1, null,
                text.getBytes(StandardCharsets.US_ASCII)), (t, command) -> command.revealsLocation()
                        ? new CommandAnswer(t, "masked", 7) : new CommandAnswer(t, "as-sent", CommandAnswer.UNMASKED));
        channel.runPendingTasks();
    }

    @Test
    void answersAreMatchedInOrderOneCommandAtATime() {
        queue.waiting.add(new DeviceCommands.Claimed(1, "getinfo", false));
        queue.waiting.add(new DeviceCommands.Claimed(2, "getgps", true));
        relay.poll();
        assertEquals("getinfo", sent());
        relay.poll();
        assertNull(sent(), "the next waits for the answer");
        answer("RTC:2026/11/26");
        assertEquals("getgps", sent());
        answer("GPS:1 Lat:52.5 Long:13.4");
        assertEquals(List.of("1 as-sent RTC:2026/11/26 @-1", "2 masked GPS:1 Lat:52.5 Long:13.4 @7"), queue.stored,
                "a masked answer goes with the switch version it was masked under");
    }

    @Test
    void afterAnUnansweredCommandNoAnswerIsStoredAndNoCommandSent() {
        channel.freezeTime();
        queue.waiting.add(new DeviceCommands.Claimed(1, "getgps", true));
        queue.waiting.add(new DeviceCommands.Claimed(2, "getinfo", false));
        relay.poll();
        assertEquals("getgps", sent());
        channel.advanceTimeBy(StoredCommandQueue.ANSWER_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        relay.poll();
        assertNull(sent(), "out of step: the next command waits for the device's next connection");
        int claims = queue.claims;
        // The late answer to getgps must not become getinfo's, stored as sent.
        answer("GPS:1 Sat:9 Lat:52.517036 Long:13.388860");
        assertEquals(List.of(), queue.stored);
        assertEquals(claims, queue.claims);
        assertNotNull(queue.waiting.peek(), "getinfo still waits");
    }
}
