package dev.telemask.storage;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells a gateway instance which devices and policies changed, and for which devices a command was queued, as
 * they are committed by anyone (the triggers of migrations V3 and V17 NOTIFY on {@value #CHANNEL}). Holds one connection LISTENing on its own thread; when that connection
 * is lost, notifications may have been missed, so after reconnecting it reports {@link Listener#everythingChanged}.
 * The same connection also LISTENs on {@link PositionNotices#CHANNEL}, for whoever {@link #watchPositions watches}
 * the devices' new positions (the fleet console's live map).
 */
public final class ChangeFeed implements AutoCloseable {
    public static final String CHANNEL = "telemask_changes";

    private static final Logger LOG = System.getLogger(ChangeFeed.class.getName());
    private static final int POLL_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    /** Receives changes on the feed's thread; must not block for long. */
    public interface Listener {
        void deviceChanged(long imei);

        void policyChanged(long policyId);

        /** A command was queued for device {@code imei} (migration V17). */
        default void commandQueued(long imei) {
        }

        /** A fleet's geofences changed. */
        default void geofencesChanged(long tenantId) {
        }

        /** Called after the feed (re)connected: anything may have changed meanwhile. */
        void everythingChanged();
    }

    /** Receives the IMEIs of committed positions on the feed's thread; must not block for long. */
    public interface PositionListener {
        void positionsStored(long[] imeis);

        /** Called after the feed reconnected: notices may have been missed meanwhile. */
        void positionsMissed();

        /**
         * A credential ended or changed somewhere (migration V33: a token revoked, a user changed or deleted, a
         * session ended): whoever streams to a credential checks it again.
         */
        default void credentialsChanged() {
        }
    }

    private final DataSource dataSource;
    private volatile PositionListener positions;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;

    private ChangeFeed(DataSource dataSource, Listener listener) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.thread = new Thread(this::run, "telemask-change-feed");
        this.thread.setDaemon(true);
    }

    public static ChangeFeed start(DataSource dataSource, Listener listener) {
        ChangeFeed feed = new ChangeFeed(dataSource, listener);
        feed.thread.start();
        return feed;
    }

    private void run() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                connection = c;
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                    st.execute("LISTEN " + PositionNotices.CHANNEL);
                }
                listener.everythingChanged();
                PositionListener watcher = positions;
                if (watcher != null) {
                    watcher.positionsMissed();
                }
                backoff = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            if (PositionNotices.CHANNEL.equals(n.getName())) {
                                dispatchPositions(n.getParameter());
                            } else {
                                dispatch(n.getParameter());
                            }
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "change feed lost its connection ({0}); reconnecting", e.toString());
                try {
                    // Backoff between reconnect attempts while the database is away; nothing to wait on instead.
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } finally {
                connection = null;
            }
        }
    }

    /** Hands the IMEIs of every later position notice to {@code listener} (one at a time: it replaces any other). */
    public void watchPositions(PositionListener listener) {
        this.positions = listener;
    }

    private void dispatchPositions(String payload) {
        PositionListener watcher = positions;
        if (watcher != null) {
            watcher.positionsStored(PositionNotices.parse(payload));
        }
    }

    private void dispatch(String payload) {
        int colon = payload.indexOf(':');
        try {
            long id = Long.parseLong(payload.substring(colon + 1));
            switch (payload.substring(0, Math.max(colon, 0))) {
                case "device" -> listener.deviceChanged(id);
                case "policy" -> listener.policyChanged(id);
                case "command" -> listener.commandQueued(id);
                case "tenant" -> listener.geofencesChanged(id);
                case "credentials" -> {
                    PositionListener watcher = positions;
                    if (watcher != null) {
                        watcher.credentialsChanged();
                    }
                }
                default -> LOG.log(Level.WARNING, "unknown change notification {0}", payload);
            }
        } catch (NumberFormatException e) {
            LOG.log(Level.WARNING, "malformed change notification {0}", payload);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
