package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.CodecException;
import dev.telemask.privacy.Treatment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingest path's meters, resolved once so that counting on the hot path is an array index and an add. The counts
 * every frame adds to (frames, records, treatments, events, records unstored) are {@link LoopCounters}, one array per
 * thread, read by Micrometer as function counters; the rare ones are Micrometer's own counters. Names are the
 * Prometheus names less the {@code _total} suffix; the README's metrics table lists them.
 */
public final class IngestMetrics {
    /** Why a device was turned away before or instead of storing its records. */
    public enum Reject {
        UNKNOWN_DEVICE, ADDRESS_NOT_ALLOWED, CONNECTION_LIMIT, ADDRESS_LIMIT, HANDSHAKE_TIMEOUT, LOOKUP_FAILED, LOOKUP_BUSY
    }

    private static final int CODECS = AvlCodecId.values().length;
    /** {@link #perFrame}'s slots: frames and records by codec, records by treatment, then the single counts. */
    private static final int FRAMES = 0;
    private static final int RECORDS = FRAMES + CODECS;
    private static final int TREATED = RECORDS + CODECS;
    private static final int RESTRICTED = TREATED + Treatment.values().length;
    private static final int OUT_OF_BOUNDS = RESTRICTED + 1;
    private static final int ERASED_AGAIN = OUT_OF_BOUNDS + 1;
    private static final int LATE = ERASED_AGAIN + 1;
    private static final int EVENTS = LATE + 1;
    private static final int SLOTS = EVENTS + 1;

    private final AtomicInteger connections = new AtomicInteger();
    private final LoopCounters perFrame = new LoopCounters(SLOTS);
    private final Map<CodecException.Reason, Counter> badFrames = new EnumMap<>(CodecException.Reason.class);
    private final Map<Reject, Counter> rejects = new EnumMap<>(Reject.class);
    private final Counter commandResponses;
    private final Counter commandsSent;
    private final MeterRegistry commandRegistry;
    private final Counter writeFailures;
    private final Counter pauses;
    private final Counter takeovers;
    private final Counter idleClosed;
    private final Counter changesTakenUp;
    private final Counter reclaims;
    private final Timer ackLatency;

    public IngestMetrics(MeterRegistry registry) {
        Gauge.builder("telemask.connections", connections, AtomicInteger::get)
                .description("Device connections open now").register(registry);
        for (AvlCodecId codec : AvlCodecId.values()) {
            perFrame(registry, "telemask.frames", FRAMES + codec.ordinal(), "AVL frames decoded", "codec", codec.label());
            perFrame(registry, "telemask.records", RECORDS + codec.ordinal(), "AVL records decoded", "codec",
                    codec.label());
        }
        for (Treatment t : Treatment.values()) {
            perFrame(registry, "telemask.records.treated", TREATED + t.ordinal(),
                    "Records by what the privacy engine did to them", "treatment", t.name().toLowerCase());
        }
        for (CodecException.Reason reason : CodecException.Reason.values()) {
            badFrames.put(reason, Counter.builder("telemask.frames.rejected").tag("reason", reason.name().toLowerCase())
                    .description("Frames refused as malformed, by reason; never acknowledged").register(registry));
        }
        for (Reject reason : Reject.values()) {
            rejects.put(reason, Counter.builder("telemask.connections.rejected").tag("reason", reason.name().toLowerCase())
                    .description("Connections turned away, by reason").register(registry));
        }
        perFrame(registry, "telemask.records.restricted", RESTRICTED,
                "Records acknowledged and dropped because the device's processing is restricted (GDPR art. 18)");
        perFrame(registry, "telemask.records.unstored", OUT_OF_BOUNDS, "Records acknowledged and not stored: older"
                + " than retention or too far ahead of the gateway's clock", "reason", "out_of_time_bounds");
        perFrame(registry, "telemask.records.unstored", ERASED_AGAIN, "Records acknowledged and not stored: in a range"
                + " erased from the device before they arrived", "reason", "erased");
        perFrame(registry, "telemask.events.computed", EVENTS,
                "Events computed from decided records (a frame written again after a failure counts again)");
        perFrame(registry, "telemask.records.late", LATE,
                "Records that arrived behind already decided ones and were stored private (fail closed)");
        commandResponses = Counter.builder("telemask.command.responses")
                .description("Codec 12/13/14 messages received from devices").register(registry);
        commandsSent = Counter.builder("telemask.commands.sent")
                .description("Commands sent to devices over their connections").register(registry);
        commandRegistry = registry;
        writeFailures = Counter.builder("telemask.frames.unacknowledged")
                .description("Frames not acknowledged because their write failed; the device resends them")
                .register(registry);
        pauses = Counter.builder("telemask.backpressure.pauses")
                .description("Times a socket stopped being read because the writer queue was full").register(registry);
        takeovers = Counter.builder("telemask.connections.replaced")
                .description("Older connections closed because the same device connected again").register(registry);
        idleClosed = Counter.builder("telemask.connections.idle.closed")
                .description("Connections closed for silence").register(registry);
        changesTakenUp = Counter.builder("telemask.devices.changes.taken.up")
                .description("Changes of a device's policy, consent or switches taken up by its open TCP session")
                .register(registry);
        reclaims = Counter.builder("telemask.devices.reclaimed")
                .description("Writes refused because a switch changed or another connection claimed the device after"
                        + " their records were masked; the session claimed the device again and masked them again")
                .register(registry);
        ackLatency = Timer.builder("telemask.ack.latency")
                .description("From a frame's decoding to its acknowledgement, i.e. through privacy, queue and commit")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    private void perFrame(MeterRegistry registry, String name, int slot, String description, String... tags) {
        FunctionCounter.builder(name, perFrame, counters -> counters.sum(slot)).tags(tags).description(description)
                .register(registry);
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
    }

    void frame(AvlCodecId codec, int recordCount) {
        perFrame.add(FRAMES + codec.ordinal(), 1);
        perFrame.add(RECORDS + codec.ordinal(), recordCount);
    }

    void treated(Treatment treatment, int count) {
        if (count > 0) {
            perFrame.add(TREATED + treatment.ordinal(), count);
        }
    }

    void framingError(CodecException.Reason reason) {
        badFrames.get(reason).increment();
    }

    void reject(Reject reason) {
        rejects.get(reason).increment();
    }

    void erasedAgain(int recordCount) {
        if (recordCount > 0) {
            perFrame.add(ERASED_AGAIN, recordCount);
        }
    }

    void outOfBounds(int recordCount) {
        if (recordCount > 0) {
            perFrame.add(OUT_OF_BOUNDS, recordCount);
        }
    }

    void events(int count) {
        if (count > 0) {
            perFrame.add(EVENTS, count);
        }
    }

    void late(int recordCount) {
        if (recordCount > 0) {
            perFrame.add(LATE, recordCount);
        }
    }

    void restricted(int recordCount) {
        perFrame.add(RESTRICTED, recordCount);
    }

    void commandResponse() {
        commandResponses.increment();
    }

    void commandSent() {
        commandsSent.increment();
    }

    /** An answer matched to its command and stored as {@code treatment} (as-sent, exact, coarsened, withheld). */
    void commandAnswered(String treatment) {
        Counter.builder("telemask.commands.answers").description("Answers to commands, by how they were stored")
                .tag("treatment", treatment).register(commandRegistry).increment();
    }

    void writeFailed() {
        writeFailures.increment();
    }

    void paused() {
        pauses.increment();
    }

    void replaced() {
        takeovers.increment();
    }

    void idleClosed() {
        idleClosed.increment();
    }

    void changeTakenUp() {
        changesTakenUp.increment();
    }

    void reclaimed() {
        reclaims.increment();
    }

    void acknowledged(long decodedAtNanos) {
        ackLatency.record(System.nanoTime() - decodedAtNanos, TimeUnit.NANOSECONDS);
    }
}
