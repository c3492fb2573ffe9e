package dev.telemask.gateway.ingest;

import dev.telemask.codec.TcpFrameSplitter;
import dev.telemask.gateway.config.GatewayConfig;
import dev.telemask.storage.ChangeFeed;
import dev.telemask.storage.query.DeviceCommands;
import dev.telemask.storage.ConnectionEventWriter;
import dev.telemask.storage.IngestDeviceLookup;
import dev.telemask.storage.PositionWriter;
import dev.telemask.storage.RecordSealer;
import dev.telemask.storage.SealedStore;
import dev.telemask.storage.SealedZones;
import dev.telemask.storage.WriterSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.sql.DataSource;

/**
 * The running ingest side: device listeners (TCP, optionally TLS, and UDP) on one event loop per core, the
 * position writer behind them, device look-ups on their own threads, and the change feed that keeps connected
 * devices' policies current. {@link #close} shuts it down gracefully.
 */
public final class DeviceIngest implements AutoCloseable {
    private static final Logger LOG = System.getLogger(DeviceIngest.class.getName());
    /** Handshakes waiting for their device look-up; beyond this, connections are turned away to retry. */
    private static final int MAX_QUEUED_LOOKUPS = 10_000;

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final DeviceServer tcp;
    private final Channel udp;
    private final PositionWriter writer;
    private final ThreadPoolExecutor lookups;
    private final ChangeFeed changes;
    private final IngestServices services;
    private final ChannelGroup channels;
    private final SealedStore sealedStore;
    private final Duration shutdownTimeout;

    private DeviceIngest(EventLoopGroup acceptor, EventLoopGroup workers, DeviceServer tcp, Channel udp,
                         PositionWriter writer, ThreadPoolExecutor lookups, ChangeFeed changes,
                         IngestServices services, ChannelGroup channels, Duration shutdownTimeout,
                         SealedStore sealedStore) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.tcp = tcp;
        this.udp = udp;
        this.writer = writer;
        this.lookups = lookups;
        this.changes = changes;
        this.services = services;
        this.channels = channels;
        this.sealedStore = sealedStore;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Starts listening; {@code dataSource} must point at a migrated database. */
    public static DeviceIngest start(GatewayConfig config, DataSource dataSource, byte[] zoneKey, MeterRegistry registry)
            throws InterruptedException, SSLException {
        return start(config, dataSource, zoneKey, null, null, registry);
    }

    /**
     * Starts listening; the writer seals undecided records with {@code sealer} (null: none may be sealed), and zone
     * centres are opened with {@code zones} (null: a policy or device with zones fails closed).
     */
    public static DeviceIngest start(GatewayConfig config, DataSource dataSource, byte[] zoneKey, RecordSealer sealer,
                                     SealedZones zones, MeterRegistry registry)
            throws InterruptedException, SSLException {
        Transport transport = Transport.named(config.deviceTransport());
        SslContext tls = config.tlsEnabled()
                ? SslContextBuilder.forServer(config.tlsCertificate().toFile(), config.tlsKey().toFile()).build()
                : null;
        IngestMetrics metrics = new IngestMetrics(registry);
        PositionWriter writer = PositionWriter.start(dataSource, new WriterSettings(config.writerThreads(),
                        config.writerQueueRecords(), config.writerQueueBytes(), config.writerTransactionRecords(), true)
                        .withLinger(config.writerLinger(), config.writerLingerRecords()),
                sealer, config.kafka().enabled(), registry);
        ThreadPoolExecutor lookups = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(MAX_QUEUED_LOOKUPS), r -> {
                    Thread t = new Thread(r, "telemask-device-lookup");
                    t.setDaemon(true);
                    return t;
                });
        SealedStore sealedStore = sealer == null ? null : new SealedStore(dataSource, sealer, registry);
        DeviceContexts contexts = new DeviceContexts(new IngestDeviceLookup(dataSource), sealedStore, zones, zoneKey,
                lookups, config.autoRegister());
        SessionRegistry sessions = new SessionRegistry();
        IngestServices services = new IngestServices(writer, contexts, sessions, metrics,
                new TcpFrameSplitter(config.maxFrameLength()), config.deviceAllowedNetworks(),
                new ConnectionCounts(metrics, config.maxConnections(), config.maxConnectionsPerAddress()),
                new RefusalLog(), RefusalLog.malformedFrames(), config.handshakeTimeout(), config.idleTimeout(),
                new AtomicBoolean(),
                new IngestLimits(config.retention(), config.maxFutureSkew(), config.sealedExpiry()),
                System::currentTimeMillis, new StoredCommandQueue(new DeviceCommands(dataSource), lookups),
                ConnectionEvents.start(new ConnectionEventWriter(dataSource, config.kafka().enabled())::write,
                        registry));
        ChannelGroup channels = new DefaultChannelGroup("devices", GlobalEventExecutor.INSTANCE);

        EventLoopGroup acceptor = transport.newGroup(1, "telemask-accept");
        EventLoopGroup workers = transport.newGroup(Runtime.getRuntime().availableProcessors(), "telemask-io");
        DeviceServer tcp = null;
        Channel udp = null;
        ChangeFeed changes = null;
        try {
            if (config.devicePort() >= 0) {
                tcp = DeviceServer.bind(config.deviceHost(), config.devicePort(), transport, acceptor, workers, tls,
                        services, channels);
            }
            UdpIngestHandler udpHandler = null;
            if (config.udpPort() >= 0) {
                udpHandler = new UdpIngestHandler(services);
                udp = new Bootstrap().group(workers).channel(transport.datagramChannel())
                        .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                        .handler(udpHandler)
                        .bind(config.deviceHost(), config.udpPort()).sync().channel();
            }
            changes = ChangeFeed.start(dataSource, new LiveChanges(sessions, contexts, udpHandler));
        } catch (InterruptedException | RuntimeException e) {
            acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            writer.close(Duration.ofSeconds(5));
            lookups.shutdownNow();
            services.connectionEvents().close(Duration.ofSeconds(5));
            throw e;
        }
        LOG.log(Level.INFO, "device ingest on {0} transport{1}{2}", transport, tls != null ? " with TLS" : "",
                config.deviceAllowedNetworks().isAny() ? "" : ", devices from " + config.deviceAllowedNetworks());
        return new DeviceIngest(acceptor, workers, tcp, udp, writer, lookups, changes, services, channels,
                config.shutdownTimeout(), sealedStore);
    }

    /** Hands the IMEIs of every committed position, from any instance, to {@code listener} (the live map's). */
    public void watchPositions(ChangeFeed.PositionListener listener) {
        changes.watchPositions(listener);
    }

    /** The store of sealed records, or null when nothing may be sealed (no sealer given). */
    public SealedStore sealedStore() {
        return sealedStore;
    }

    /** The TCP port devices connect to, or -1 when TCP is off. */
    public int tcpPort() {
        return tcp == null ? -1 : tcp.port();
    }

    /** The UDP port devices send to, or -1 when UDP is off. */
    public int udpPort() {
        return udp == null ? -1 : ((InetSocketAddress) udp.localAddress()).getPort();
    }

    /** Records accepted by the writer and not yet committed. */
    public int queuedRecords() {
        return writer.queuedRecords();
    }

    /**
     * Graceful shutdown: stop accepting and reading, let the writer commit what it holds and the sessions send
     * those acknowledgements, then close the connections. A frame still in a socket buffer is not acknowledged and
     * the device sends it again to whichever instance it reaches next.
     */
    @Override
    public void close() throws InterruptedException {
        services.draining().set(true);
        if (tcp != null) {
            tcp.stopAccepting();
        }
        for (Channel channel : channels) {
            channel.eventLoop().execute(() -> channel.config().setAutoRead(false));
        }
        writer.close(shutdownTimeout);
        // Runs after the acknowledgements the writer's callbacks queued on each event loop.
        for (Channel channel : channels) {
            channel.eventLoop().execute(() ->
                    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        }
        channels.newCloseFuture().await(shutdownTimeout.toMillis());
        if (udp != null) {
            udp.close().await(shutdownTimeout.toMillis());
        }
        changes.close();
        lookups.shutdownNow();
        services.connectionEvents().close(shutdownTimeout); // what the sessions queued before they closed
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
