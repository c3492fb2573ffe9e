package dev.telemask.gateway.ingest;

import dev.telemask.codec.TcpFrameSplitter;
import dev.telemask.storage.PositionWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every device session shares: the writer, the device look-ups, the live sessions and the meters, the
 * connection counts and their limits, and whether the gateway is shutting down (sessions then read no more).
 */
record IngestServices(PositionWriter writer, WriterGate gate, DeviceContexts contexts, SessionRegistry sessions,
                      IngestMetrics metrics, TcpFrameSplitter splitter, ConnectionCounts connections,
                      RefusalLog refusals, Duration handshakeTimeout, Duration idleTimeout, AtomicBoolean draining,
                      IngestLimits limits) {
}
