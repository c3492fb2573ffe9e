package dev.telemask.bench.load;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one step of a load run measured. Rates, the gateway-side latency, heap and CPU are over the measured window
 * (after the warm-up); the simulator's latency is over the whole step, ramp-up included, as it reports it.
 *
 * @param devices            connections of the step
 * @param targetPerSecond    records/s the fleet was asked to send
 * @param ackedPerSecond     records acknowledged per second in the measured window
 * @param simulatorP50Ms     ACK latency as the devices saw it (send to ACK), whole step
 * @param simulatorP99Ms     the same, 99th percentile
 * @param gatewayP50Ms       the gateway's own ACK latency (decode to ACK), measured window, bucket resolution
 * @param gatewayP99Ms       the same, 99th percentile
 * @param heapMaxMb          the most heap in use at the gateway in the window's samples
 * @param gatewayCpuCores    CPU the gateway process used in the window, in cores (2.0 = both cores of a 2-core box)
 * @param gatewayCpuPerK     gateway CPU seconds per 1,000 acknowledged records in the window
 * @param gatewayThreadsPerK the same by thread group (io, writer, jit, gc, other; the kernel part of io and writer;
 *                           threads alive at the window's end)
 * @param databaseCpuPerK    the database server's CPU seconds per 1,000 acknowledged records (NaN: not ours)
 * @param peakConnected      most devices connected at once
 * @param unacknowledged     records sent in the step and never acknowledged
 * @param timeouts           ACK or handshake waits that ran out
 * @param forwarding         {@code off} or {@code kafka} in a run with {@code --forward-kafka}, else null
 * @param delivery           with forwarding to Kafka, what the consumer read (measured window), else null
 */
record LoadStep(int devices, double targetPerSecond, double ackedPerSecond, double simulatorP50Ms,
                double simulatorP99Ms, double gatewayP50Ms, double gatewayP99Ms, double heapMaxMb,
                double gatewayCpuCores, double gatewayCpuPerK, Map<String, Double> gatewayThreadsPerK, double databaseCpuPerK, int peakConnected, long unacknowledged, long timeouts,
                String forwarding, DeliveryLag.Summary delivery) {

    String line() {
        return (forwarding == null ? "" : String.format(Locale.ROOT, "%-5s ", forwarding)) + String.format(Locale.ROOT, "%6d devices: %8.0f acked/s of %8.0f asked; ACK p50 %7.1f ms p99 %7.1f ms"
                        + " (gateway %6.1f / %6.1f ms); gateway heap max %5.0f MB, CPU %.2f cores, %.1f µs/record (%s);"
                        + " database %.1f µs/record; peak %d connected,"
                        + " %d unacknowledged, %d timeouts",
                devices, ackedPerSecond, targetPerSecond, simulatorP50Ms, simulatorP99Ms, gatewayP50Ms, gatewayP99Ms,
                heapMaxMb, gatewayCpuCores, gatewayCpuPerK * 1000, threads(" ", "%s %.1f"), databaseCpuPerK * 1000,
                peakConnected, unacknowledged, timeouts) + (delivery == null ? "" : String.format(Locale.ROOT,
                "; forwarded %.0f rows/s, delivery lag ACK→read p50 %d ms p99 %d ms max %d ms, %d of %d not read",
                delivery.forwardedPerSecond(), delivery.p50Ms(), delivery.p99Ms(), delivery.maxMs(),
                delivery.undelivered(), delivery.acked()));
    }

    private String threads(String separator, String format) {
        return gatewayThreadsPerK.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, format, e.getKey(), e.getValue() * 1000))
                .collect(Collectors.joining(separator));
    }

    String json() {
        return String.format(Locale.ROOT, "{\"devices\":%d,\"targetPerSecond\":%.0f,\"ackedPerSecond\":%.1f,"
                        + "\"simulatorP50Ms\":%.3f,\"simulatorP99Ms\":%.3f,\"gatewayP50Ms\":%.1f,\"gatewayP99Ms\":%.1f,"
                        + "\"heapMaxMb\":%.1f,\"gatewayCpuCores\":%.3f,\"gatewayCpuSecondsPer1000\":%.5f,"
                        + "\"gatewayThreadMicrosPerRecord\":{%s},"
                        + "\"databaseCpuSecondsPer1000\":%.5f,\"peakConnected\":%d,\"unacknowledged\":%d,"
                        + "\"timeouts\":%d",
                devices, targetPerSecond, ackedPerSecond, simulatorP50Ms, simulatorP99Ms, gatewayP50Ms, gatewayP99Ms,
                heapMaxMb, gatewayCpuCores, gatewayCpuPerK, threads(",", "\"%s\":%.2f"), databaseCpuPerK, peakConnected,
                unacknowledged,
                timeouts) + forwardingJson() + "}";
    }

    private String forwardingJson() {
        String mode = forwarding == null ? "" : ",\"forwarding\":\"" + forwarding + "\"";
        return delivery == null ? mode : mode + String.format(Locale.ROOT, ",\"forwardedPerSecond\":%.1f,"
                        + "\"deliveryLagP50Ms\":%d,\"deliveryLagP99Ms\":%d,\"deliveryLagMaxMs\":%d,"
                        + "\"forwardAcked\":%d,\"forwardUnread\":%d", delivery.forwardedPerSecond(), delivery.p50Ms(),
                delivery.p99Ms(), delivery.maxMs(), delivery.acked(), delivery.undelivered());
    }
}
