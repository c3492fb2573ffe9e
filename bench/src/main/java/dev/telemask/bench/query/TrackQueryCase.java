package dev.telemask.bench.query;

import dev.telemask.storage.query.PositionQuery;
import dev.telemask.storage.query.TimeWindow;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * One kind of track request, a device-day or a device-month, run the way the API's {@code GET
 * /devices/{imei}/positions} runs it: {@link PositionQuery#pageEnd} to find the page's last key, then
 * {@link PositionQuery#stream} up to it, into a sink that only touches each row. Each query picks a random device
 * and a random start in the year, so consecutive queries rarely share pages (cold-ish).
 */
final class TrackQueryCase {
    /** The API's largest page: one request returns a whole month of the default fleet. */
    static final int PAGE_LIMIT = 100_000;

    private final String name;
    private final Duration span;
    private final SyntheticFleetYear year;
    private final PositionQuery query;
    private final SplittableRandom random;
    // Kept so the JIT cannot drop the row reads; printed nowhere.
    private long checksum;

    TrackQueryCase(String name, Duration span, SyntheticFleetYear year, PositionQuery query, long seed) {
        this.name = name;
        this.span = span;
        this.year = year;
        this.query = query;
        this.random = new SplittableRandom(seed);
    }

    String name() {
        return name;
    }

    QueryLatencies run(int queries) throws Exception {
        QueryLatencies latencies = new QueryLatencies(queries);
        for (int q = 0; q < queries; q++) {
            long imei = year.imei(random.nextInt(year.devices()));
            int lastStartDay = SyntheticFleetYear.DAYS - (int) span.toDays();
            Instant from = year.day(random.nextInt(lastStartDay + 1));
            TimeWindow window = new TimeWindow(from, from.plus(span));
            long start = System.nanoTime();
            long rows = request(imei, window);
            latencies.record(System.nanoTime() - start, rows);
            // Guards the figures: a query that misses the data would look fast.
            long expected = year.recordsPerDevicePerDay() * span.toDays();
            if (rows != expected) {
                throw new IllegalStateException(name + ": " + rows + " rows for " + imei + " " + window
                        + ", expected " + expected);
            }
        }
        return latencies;
    }

    private long request(long imei, TimeWindow window) throws Exception {
        // As the API does: a window with fewer rows than the limit has no page end (null), and streams to its end.
        PositionQuery.PageEnd page = query.pageEnd(imei, window, null, PAGE_LIMIT);
        if (page.more()) {
            throw new IllegalStateException(name + " needs more than one page of " + PAGE_LIMIT + " rows");
        }
        return query.stream(imei, window, null, page.last(), row -> checksum += row.deviceTime().getEpochSecond());
    }

    long checksum() {
        return checksum;
    }
}
