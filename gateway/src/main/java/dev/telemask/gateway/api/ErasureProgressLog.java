package dev.telemask.gateway.api;

import dev.telemask.codec.Imei;
import dev.telemask.storage.query.ErasureProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Shows ops how far a running erasure is: {@code telemask.erasure.rows} counts the rows erasures deleted, by table, as
 * each statement deletes them (before their transaction commits; an erasure that fails after rolls them back), and a
 * log line per statement says how many rows the erasure has deleted so far. An erasure of a year of records runs for
 * minutes: without this its caller and ops see nothing until it answers.
 */
final class ErasureProgressLog {
    private static final Logger LOG = System.getLogger(ErasureProgressLog.class.getName());
    static final String METRIC = "telemask.erasure.rows";

    private final MeterRegistry registry;

    ErasureProgressLog(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The progress of one erasure of {@code imei}'s records. */
    ErasureProgress of(long imei) {
        long[] total = {0};
        return (table, rows) -> {
            if (rows == 0) {
                return;
            }
            total[0] += rows;
            counter(table).increment(rows);
            // Numbers as text: the log's formatter would group an IMEI's digits.
            LOG.log(Level.INFO, "erasure of device {0}: {1} rows of {2}, {3} rows in all so far, not yet committed",
                    Imei.format(imei), Long.toString(rows), table, Long.toString(total[0]));
        };
    }

    private Counter counter(String table) {
        return Counter.builder(METRIC).tag("table", table)
                .description("rows deleted by erasures, as each statement deletes them").register(registry);
    }
}
