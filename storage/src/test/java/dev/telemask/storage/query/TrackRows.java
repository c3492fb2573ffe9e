package dev.telemask.storage.query;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/** Writes {@code positions} rows for tests with plain SQL, as the writer would have stored them. */
final class TrackRows {
    private TrackRows() {
    }

    /** IO elements in the stored format, fixed width: id, width, value, ... */
    static byte[] io(long... idWidthValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < idWidthValue.length; i += 3) {
            int id = (int) idWidthValue[i];
            int width = (int) idWidthValue[i + 1];
            out.write(id >>> 8);
            out.write(id);
            out.write(width);
            for (int b = width - 1; b >= 0; b--) {
                out.write((int) (idWidthValue[i + 2] >>> (8 * b)));
            }
        }
        return out.toByteArray();
    }

    /**
     * One row; {@code latE7}/{@code lonE7} null for a masked record (then speed etc. are NULL too). Its record key is
     * its event ID, which tells apart the rows of one millisecond as a writer's keys do.
     */
    static void insert(DataSource ds, long imei, Instant time, int eventIo, Integer latE7, Integer lonE7, byte[] io,
                       int treatment) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement st = c.prepareStatement("INSERT INTO positions (imei, device_time, receive_time,"
                     + " priority, longitude, latitude, altitude, angle, satellites, speed, event_io, io, treatment,"
                     + " record_key) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            boolean masked = latE7 == null;
            st.setLong(1, imei);
            st.setObject(2, time.atOffset(ZoneOffset.UTC));
            st.setObject(3, time.plusSeconds(1).atOffset(ZoneOffset.UTC));
            st.setObject(4, lonE7);
            st.setObject(5, latE7);
            st.setObject(6, masked ? null : (short) 100);
            st.setObject(7, masked ? null : (short) 90);
            st.setObject(8, masked ? null : (short) 9);
            st.setObject(9, masked ? null : 50);
            st.setInt(10, eventIo);
            st.setBytes(11, io);
            st.setShort(12, (short) treatment);
            st.setInt(13, eventIo);
            st.executeUpdate();
        }
    }

    /** {@code n} exact rows one second apart from {@code first}, generated in the server (nothing in this heap). */
    static void series(DataSource ds, long imei, Instant first, int n) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                    + " altitude, angle, satellites, speed, event_io, io, treatment)"
                    + " SELECT " + imei + ", t, t, 0, 134000000 + i, 525000000 + i, 100, 90, 9, 50, 0, NULL, 0"
                    + " FROM generate_series(0, " + (n - 1) + ") i,"
                    + " LATERAL (SELECT TIMESTAMPTZ '" + first + "' + i * INTERVAL '1 second' AS t) x");
        }
    }
}
