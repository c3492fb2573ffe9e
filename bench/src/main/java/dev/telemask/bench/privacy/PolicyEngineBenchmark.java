package dev.telemask.bench.privacy;

import dev.telemask.bench.codec.SampleFrames;
import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.BusinessSchedule;
import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.DeviceState;
import dev.telemask.privacy.IoSelection;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PolicyEngine;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.privacy.TimeRange;
import dev.telemask.privacy.Treatments;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The privacy engine over a 10-record Codec 8E batch (12 IO elements and a beacon scan per record), per record.
 * The engine rewrites the batch in place, so every invocation first restores it from a template: {@code copyOnly}
 * measures that restore alone, to subtract from the other two.
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
    private static final DeviceState FRESH = DeviceState.restore(null);

    private final AvlBatch template = driveThroughBerlin();
    private final AvlBatch batch = new AvlBatch();
    private final Treatments treatments = new Treatments();
    private final DeviceState state = new DeviceState();

    private final CompiledPolicy noOp = CompiledPolicy.compile(Policy.noOp(), ZONE_KEY);
    private final CompiledPolicy everyFeature = CompiledPolicy.compile(Policy.noOp()
            .withSchedule(BusinessSchedule.weekdays(ZoneId.of("Europe/Berlin"), new TimeRange(7 * 60, 19 * 60)))
            .withCoarseningMetres(500)
            .withZones(List.of(new PrivacyZone("home", 54.66, 25.25, 300), new PrivacyZone("depot", 54.70, 25.30, 500)))
            .withKeptIo(IoSelection.only(Set.of(16, 199, 239, 240, 66, 67, 21, 69, 78, 241))), ZONE_KEY);
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

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Treatments noOpPolicy() {
        batch.copyFrom(template);
        state.copyFrom(FRESH);
        PolicyEngine.apply(noOp, Consent.ALL, state, batch, treatments);
        return treatments;
    }

    /** Schedule, coarsening, two zones, an IO allow-list, no driver-identity consent, private mode mid-trip. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Treatments everyFeaturePolicy() {
        batch.copyFrom(template);
        state.copyFrom(FRESH);
        PolicyEngine.apply(everyFeature, noDriverIdentity, state, batch, treatments);
        return treatments;
    }
}
