package dev.telemask.gateway.ingest;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device connections open now, in all and per source address, and whether one more may open: shared by every
 * connection's {@link ConnectionAdmission}. Any thread.
 */
final class ConnectionCounts {
    /** Whether a new connection may stay, or which limit it hit. */
    enum Verdict { ADMITTED, CONNECTION_LIMIT, ADDRESS_LIMIT }

    private final IngestMetrics metrics;
    private final int maxConnections;
    private final int maxPerAddress;
    /** Only addresses with a connection open are keys, so the map is no larger than the number of connections. */
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    /**
     * @param maxConnections open connections allowed in all
     * @param maxPerAddress  open connections allowed from one source address (an IPv6 /64), 0 for no such limit
     */
    ConnectionCounts(IngestMetrics metrics, int maxConnections, int maxPerAddress) {
        this.metrics = metrics;
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Counts a connection from {@code source} in, unless a limit is reached; then nothing is counted. A null source
     * (not an IP connection) counts against the limit in all only.
     */
    Verdict admit(InetAddress source) {
        // Connections on different event loops may pass this check together: the limit can be passed by a few,
        // never run away from.
        if (metrics.connections() >= maxConnections) {
            return Verdict.CONNECTION_LIMIT;
        }
        if (maxPerAddress > 0 && source != null) {
            boolean[] admitted = {false};
            perAddress.compute(key(source), (address, open) -> {
                int n = open == null ? 0 : open;
                if (n >= maxPerAddress) {
                    return open;
                }
                admitted[0] = true;
                return n + 1;
            });
            if (!admitted[0]) {
                return Verdict.ADDRESS_LIMIT;
            }
        }
        metrics.connectionOpened();
        return Verdict.ADMITTED;
    }

    /** Counts out a connection that {@link #admit} let in. */
    void release(InetAddress source) {
        if (maxPerAddress > 0 && source != null) {
            perAddress.computeIfPresent(key(source), (address, open) -> open <= 1 ? null : open - 1);
        }
        metrics.connectionClosed();
    }

    /** Connections open now from {@code source}'s address (or /64), as far as the per-address limit counts them. */
    int openFrom(InetAddress source) {
        return perAddress.getOrDefault(key(source), 0);
    }

    /**
     * The address a limit counts against: an IPv4 address as it is, an IPv6 address by its /64 network, which is
     * what one subscriber (one attacker) typically holds.
     */
    static InetAddress key(InetAddress source) {
        if (source instanceof Inet4Address || !(source instanceof Inet6Address)) {
            return source;
        }
        byte[] network = Arrays.copyOf(source.getAddress(), 16);
        Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }
}
