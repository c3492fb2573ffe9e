package dev.telemask.gateway.ingest;

import dev.telemask.codec.TcpFrameSplitter;
import dev.telemask.gateway.config.SourceNetworks;
import dev.telemask.storage.PositionSink;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * What every device session shares: the writer, the device look-ups, the live sessions and the meters, the
 * networks devices may connect from, the connection counts and their limits, the WARN lines of refused connections and malformed frames, whether the
 * gateway is shutting down (sessions then read no more), the gateway's clock (epoch milliseconds) that decides what
 * the privacy engine may decide without a frame, the commands waiting for devices, and where devices' online and
 * offline events go.
 */
record IngestServices(PositionSink writer, DeviceLookup contexts, SessionRegistry sessions,
                      IngestMetrics metrics, TcpFrameSplitter splitter, SourceNetworks allowedSources,
                      ConnectionCounts connections,
                      RefusalLog refusals, RefusalLog malformedFrames, Duration handshakeTimeout,
                      Duration idleTimeout, AtomicBoolean draining, IngestLimits limits, LongSupplier clock,
                      CommandQueue commands, ConnectionEvents connectionEvents) {
}
