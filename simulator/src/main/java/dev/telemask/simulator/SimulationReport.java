package dev.telemask.simulator;

import java.util.Locale;

/**
 * What a simulation run did, as the final line prints it. Records are counted once when first sent; resends are
 * counted apart.
 *
 * @param devices                devices in the fleet
 * @param peakConnected          most devices connected (handshake accepted) at one time
 * @param framesSent             distinct frames sent
 * @param recordsSent            distinct records sent
 * @param framesAcked            frames acknowledged with the right record count
 * @param recordsAcked           records in those frames
 * @param ackedPerSecond         records acknowledged per second over the whole run, ramp and drain included
 * @param peakAckedPerSecond     the best reporting interval's records acknowledged per second
 * @param latency                ACK latency over the whole run, from the (last) send of a frame to its ACK
 * @param rejects                handshakes the server answered with 0x00: devices refused (a refused device gives up)
 * @param timeouts               waits for a handshake reply or an ACK that ran out
 * @param framesResent           frames sent again after a timeout, a wrong count or a dropped connection
 * @param recordsResent          records in those frames
 * @param reconnects             connection attempts after the first, failed ones included
 * @param connectFailures        connection attempts that failed
 * @param wrongAckCounts         ACKs whose record count was not the frame's
 * @param elapsedSeconds         from the first connection to the end of the drain
 */
public record SimulationReport(int devices, int peakConnected, long framesSent, long recordsSent, long framesAcked,
                               long recordsAcked, double ackedPerSecond, double peakAckedPerSecond,
                               LatencySummary latency, long rejects, long timeouts, long framesResent,
                               long recordsResent, long reconnects, long connectFailures, long wrongAckCounts,
                               double elapsedSeconds) {

    /** Records sent and never acknowledged. */
    public long recordsUnacknowledged() {
        return recordsSent - recordsAcked;
    }

    /**
     * True when the run delivered something and everything it sent was acknowledged, and no device was refused:
     * what the CLI's exit code 0 means.
     */
    public boolean successful() {
        return recordsSent > 0 && recordsUnacknowledged() == 0 && rejects == 0;
    }

    /**
     * What the gateway's refusals mean and what to do, for the user; empty when no device was refused. A Teltonika
     * server answers a handshake with 0x00 for one reason only: it does not know the IMEI (or may not take it).
     */
    public java.util.Optional<String> refusalSummary() {
        if (rejects == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(Locale.ROOT,
                "%d %s refused by the gateway at handshake: IMEIs not registered; register them with --register or"
                        + " POST /api/v1/devices", rejects, rejects == 1 ? "device" : "devices"));
    }

    /** One line of JSON, for a load test to parse. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"devices\":%d,\"peakConnected\":%d,\"framesSent\":%d,\"recordsSent\":%d,"
                        + "\"framesAcked\":%d,\"recordsAcked\":%d,\"recordsUnacknowledged\":%d,\"ackedPerSecond\":%.1f,"
                        + "\"peakAckedPerSecond\":%.1f,\"p50Ms\":%.3f,\"p95Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,"
                        + "\"rejects\":%d,\"devicesRefused\":%d,\"timeouts\":%d,\"framesResent\":%d,\"recordsResent\":%d,\"reconnects\":%d,"
                        + "\"connectFailures\":%d,\"wrongAckCounts\":%d,\"elapsedSeconds\":%.3f,\"successful\":%b}",
                devices, peakConnected, framesSent, recordsSent, framesAcked, recordsAcked, recordsUnacknowledged(),
                ackedPerSecond, peakAckedPerSecond, latency.p50Ms(), latency.p95Ms(), latency.p99Ms(), latency.maxMs(),
                rejects, rejects, timeouts, framesResent, recordsResent, reconnects, connectFailures, wrongAckCounts,
                elapsedSeconds, successful());
    }
}
