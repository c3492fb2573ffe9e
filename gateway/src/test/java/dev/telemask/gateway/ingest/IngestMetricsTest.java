package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlCodecId;
import dev.telemask.privacy.Treatment;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-frame counts, each thread adding into its own slots, read back whole through Micrometer and Prometheus. */
class IngestMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final IngestMetrics metrics = new IngestMetrics(registry);

    @Test
    void countsFromManyThreadsAddUpAndStayAfterTheThreadsEnd() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    metrics.frame(AvlCodecId.CODEC_8E, 5);
                    metrics.treated(Treatment.PRIVATE, 2);
                }
            }));
        }
        metrics.frame(AvlCodecId.CODEC_8, 1);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(40_000.0, registry.get("telemask.frames").tag("codec", "8E").functionCounter().count());
        assertEquals(200_000.0, registry.get("telemask.records").tag("codec", "8E").functionCounter().count());
        assertEquals(1.0, registry.get("telemask.frames").tag("codec", "8").functionCounter().count());
        assertEquals(0.0, registry.get("telemask.frames").tag("codec", "16").functionCounter().count());
        assertEquals(80_000.0, registry.get("telemask.records.treated").tag("treatment", "private")
                .functionCounter().count());
    }

    @Test
    void eachCountIsItsOwnSeriesInTheScrape() {
        metrics.late(3);
        metrics.outOfBounds(4);
        metrics.erasedAgain(5);
        metrics.events(6);
        metrics.restricted(7);
        String scrape = registry.scrape();
        assertTrue(scrape.contains("telemask_records_late_total 3.0"), scrape);
        assertTrue(scrape.contains("telemask_records_unstored_total{reason=\"out_of_time_bounds\"} 4.0"), scrape);
        assertTrue(scrape.contains("telemask_records_unstored_total{reason=\"erased\"} 5.0"), scrape);
        assertTrue(scrape.contains("telemask_events_computed_total 6.0"), scrape);
        assertTrue(scrape.contains("telemask_records_restricted_total 7.0"), scrape);
        assertTrue(scrape.contains("# TYPE telemask_frames_total counter"), scrape);
    }
}
