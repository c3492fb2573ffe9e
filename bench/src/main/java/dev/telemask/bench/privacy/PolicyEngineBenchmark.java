package dev.telemask.bench.privacy;

import dev.telemask.bench.codec.SampleFrames;
import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.BusinessSchedule;
import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.DeviceLedger;
import dev.telemask.privacy.IoSelection;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.privacy.TimeRange;
import dev.telemask.privacy.TripTiming;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The privacy engine ({@link DeviceLedger}: trip decisions in device time and masking) over a 10-record Codec 8E
 * batch (12 IO elements and a beacon scan per record), per record, as the gateway runs it for one frame of a device
 * whose trip started earlier. {@code copyOnly} measures restoring the batch from its template alone, to subtract
 * from the others; the {@code newestFirst} variants get the same records in reverse order.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyEngineBenchmark {
    private static final int RECORDS = 10;
    private static final byte[] ZONE_KEY = "bench-zone-key".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_700_560_900_000L;
    private static final long EXPIRY = 86_400_000L;
    /** Decided as far as the record before the batch: the batch continues a trip under way. */
    private static final TripTiming NO_ANCHOR_DELAY = new TripTiming(Duration.ofMinutes(2), Duration.ofMinutes(1),
            Duration.ofHours(2), Duration.ZERO);

    private final AvlBatch template = driveThroughBerlin();
    private final AvlBatch reversed = reverse(template);
    private final AvlBatch batch = new AvlBatch();
    private final DeviceLedger ledger = new DeviceLedger();
    /** Made in {@link #setUp}: it needs the policies below. */
    private byte[] tripUnderWay;

    private final CompiledPolicy noOp = CompiledPolicy.compile(Policy.noOp().withTiming(NO_ANCHOR_DELAY), ZONE_KEY);
    private final CompiledPolicy everyFeature = CompiledPolicy.compile(Policy.noOp()
            .withSchedule(BusinessSchedule.weekdays(ZoneId.of("Europe/Berlin"), new TimeRange(7 * 60, 19 * 60)))
            .withCoarseningMetres(500)
            .withZones(List.of(new PrivacyZone("home", 54.66, 25.25, 300), new PrivacyZone("depot", 54.70, 25.30, 500)))
            .withKeptIo(IoSelection.only(Set.of(16, 199, 239, 240, 66, 67, 21, 69, 78, 241)))
            .withTiming(NO_ANCHOR_DELAY), ZONE_KEY);
    private final Consent noDriverIdentity = new Consent(true, false, true);

    /** A business-hours trip (Wednesday 10:00 UTC) with the private-mode button pressed on the last records. */
    private static AvlBatch driveThroughBerlin() {
        AvlBatch sample = SampleFrames.codec8Extended(RECORDS);
        AvlBatch drive = new AvlBatch();
        drive.codec(sample.codec());
        long start = 1_700_560_800_000L;
        for (int r = 0; r < RECORDS; r++) {
            drive.addRecord(start + r * 10_000L, 0, sample.longitude(r), sample.latitude(r), 172, 248, 11, 54, 0,
                    AvlBatch.NO_GENERATION);
            for (int e = sample.ioStart(r); e < sample.ioStart(r) + sample.ioCount(r); e++) {
                if (sample.ioWidth(e) == AvlBatch.WIDTH_VARIABLE) {
                    drive.addNx(sample.ioId(e), sample.nxArray(), sample.nxOffset(e), sample.nxLength(e));
                } else {
                    drive.addIo(sample.ioId(e), sample.ioWidth(e), sample.ioValue(e));
                }
            }
            drive.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, r >= 8 ? 1 : 0);
        }
        return drive;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public AvlBatch copyOnly() {
        batch.copyFrom(template);
        return batch;
    }

    @Setup
    public void setUp() {
        tripUnderWay = tripUnderWay();
        ledger.restore(tripUnderWay, null);
    }

    private static AvlBatch reverse(AvlBatch in) {
        AvlBatch out = new AvlBatch();
        out.codec(in.codec());
        for (int r = in.size() - 1; r >= 0; r--) {
            out.appendRecord(in, r);
        }
        return out;
    }

    /** The saved state of a device whose business trip started 10 s before the batch's first record. */
    private byte[] tripUnderWay() {
        DeviceLedger first = new DeviceLedger();
        AvlBatch shifted = new AvlBatch();
        shifted.addRecord(template.timestamp(0) - 150_000L, 0, template.longitude(0), template.latitude(0), 0, 0, 11,
                0, 0, AvlBatch.NO_GENERATION);
        shifted.addIo(239, 1, 0);
        shifted.addIo(240, 1, 0);
        for (int s = 14; s >= 1; s--) {
            shifted.addRecord(template.timestamp(0) - s * 10_000L, 0, template.longitude(0), template.latitude(0), 172,
                    248, 11, 54, 0, AvlBatch.NO_GENERATION);
            shifted.addIo(239, 1, 1);
            shifted.addIo(240, 1, 1);
        }
        first.apply(everyFeature, Consent.ALL, false, shifted, NOW, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        return first.savedState();
    }

    /**
     * One frame through the ledger, then rolled back, so that every invocation meets the same device state (a
     * roll-back costs what a commit does: dropping the frame's records from the pending list).
     */
    private Object run(CompiledPolicy policy, Consent consent, AvlBatch frame) {
        batch.copyFrom(frame);
        ledger.apply(policy, consent, false, batch, NOW, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.rolledBack();
        return ledger.output();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Object noOpPolicy() {
        return run(noOp, Consent.ALL, template);
    }

    /** Schedule, coarsening, two zones, an IO allow-list, no driver-identity consent, private mode mid-trip. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Object everyFeaturePolicy() {
        return run(everyFeature, noDriverIdentity, template);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Object everyFeaturePolicyNewestFirst() {
        return run(everyFeature, noDriverIdentity, reversed);
    }
}
