package dev.telemask.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Announces which devices have new stored records, on channel {@value #CHANNEL}: the writer NOTIFYs right after
 * its records' commit (so never for a rollback), and PostgreSQL delivers the notice to every gateway instance that
 * listens. A notice carries IMEIs only, comma-separated, never a coordinate or a time: a reader looks the rows up
 * through the ordinary, tenant-scoped queries.
 */
public final class PositionNotices {
    public static final String CHANNEL = "telemask_positions";
    /** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a notice stops well below. */
    static final int MAX_PAYLOAD_CHARS = 7_900;

    private PositionNotices() {
    }

    /** NOTIFYs the IMEIs in the caller's transaction on {@code connection}, in as few notices as fit. */
    public static void announce(Connection connection, Collection<Long> imeis) throws SQLException {
        if (imeis.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            for (String payload : payloads(imeis)) {
                st.setString(1, payload);
                st.execute();
            }
        }
    }

    /** The IMEIs as comma-separated payloads, each shorter than {@link #MAX_PAYLOAD_CHARS}. */
    static List<String> payloads(Collection<Long> imeis) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        for (long imei : imeis) {
            String next = Long.toString(imei);
            if (payload.length() + next.length() + 1 > MAX_PAYLOAD_CHARS) {
                payloads.add(payload.toString());
                payload.setLength(0);
            }
            if (!payload.isEmpty()) {
                payload.append(',');
            }
            payload.append(next);
        }
        payloads.add(payload.toString());
        return payloads;
    }

    /** The IMEIs of a notice's payload; malformed parts are skipped. */
    public static long[] parse(String payload) {
        String[] parts = payload.split(",");
        long[] imeis = new long[parts.length];
        int n = 0;
        for (String part : parts) {
            try {
                imeis[n] = Long.parseLong(part.strip());
                n++;
            } catch (NumberFormatException e) {
                // Not ours (someone NOTIFYing the channel by hand): nothing to look up.
            }
        }
        return java.util.Arrays.copyOf(imeis, n);
    }
}
