package dev.telemask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway end to end on loopback: devices over TCP and UDP, the privacy engine, the writer and the database,
 * run against each kind of database.
 */
abstract class IngestContract extends GatewayTestBase {
    // ---- the promises ------------------------------------------------------------------------------

    @Test
    void acknowledgesAfterStoringAndAResentFrameAddsNothing() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connect(imei)) {
            AvlBatch records = Drives.driving(T0, 3);
            device.sendFrame(records);
            assertEquals(3, device.readAck());
            assertEquals(3, count(imei), "acknowledged means stored");
            // A new device's first records wait sealed for the anchor delay; stored, they set its last-seen time.
            assertEquals(3, rows(imei).size());
            assertEquals(1, insertReturningId("SELECT count(last_seen_at) FROM devices WHERE imei = " + imei),
                    "the device's first stored records set its last-seen time");
            device.sendFrame(records); // the ACK was "lost": the device sends the same frame again
            assertEquals(3, device.readAck());
            assertEquals(3, count(imei), "no duplicates");
        }
    }

    /**
     * Without driver-identity consent the event IDs of an iButton attached (78) and a user ID read (238) are withheld:
     * three records of one millisecond then all read event 0. Each is still stored, once: acknowledged means stored,
     * and a resent frame adds nothing.
     */
    @Test
    void recordsOfOneMillisecondWhoseEventIdsAreWithheldAreEachStoredOnce() throws Exception {
        long imei = device(policy("no-identity", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": false, \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\"}}"));
        AvlBatch drive = Drives.driving(T0, 3);
        AvlBatch frame = new AvlBatch();
        frame.appendRecord(drive, 0);
        frame.appendRecord(drive, 1);
        for (int event : new int[] {78, 238}) {
            int r = frame.appendRecord(drive, 1);
            frame.setEventIo(r, event);
            frame.addIo(event, 8, 0x0102_0304_0506_0708L);
        }
        frame.appendRecord(drive, 2);
        try (DeviceClient device = connect(imei)) {
            device.sendFrame(frame);
            assertEquals(5, device.readAck());
            List<StoredRow> rows = rows(imei);
            assertEquals(5, rows.size(), "acknowledged means stored: " + rows);
            assertEquals(3, rows.stream().filter(row -> row.deviceTimeMillis() == T0 + 60_000L).count());
            assertTrue(rows.stream().noneMatch(row -> row.io().contains(78) || row.io().contains(238)),
                    "the identity elements go with their event IDs: " + rows);
            assertEquals(0, insertReturningId("SELECT count(*) FROM positions WHERE event_io <> 0 AND imei = "
                    + imei), "the withheld event IDs are stored as 0");
            device.sendFrame(frame); // the ACK was "lost"
            assertEquals(5, device.readAck());
            assertEquals(5, count(imei), "no duplicates");
        }
    }

    @Test
    void valuesAtTheEdgesOfTheWireAreStoredAsSentAndAcknowledged() throws Exception {
        long imei = device(policy("edges", OPEN_POLICY));
        AvlBatch records = Drives.driving(T0, 3);
        // Every field the codec takes at the far end of its width: a heading the wire carries but no compass gives,
        // a latitude beyond the pole, 8-byte IO values at both ends, NX elements of no and of the most bytes.
        AvlBatch edges = new AvlBatch();
        for (int r = 0; r < records.size(); r++) {
            edges.addRecord(records.timestamp(r), 255, -1_810_000_000, 910_000_000, Short.MIN_VALUE, 65_535, 255,
                    r == 2 ? 65_535 : 50, 0, AvlBatch.NO_GENERATION);
            edges.addIo(239, 1, 1);
            edges.addIo(240, 1, 1);
            edges.addIo(65_535, 8, Long.MIN_VALUE);
            edges.addIo(65_534, 8, Long.MAX_VALUE);
            edges.addNx(65_533, new byte[0], 0, 0);
            byte[] nx = new byte[r == 0 ? 60_000 : 1];
            nx[nx.length - 1] = 42;
            edges.addNx(65_532, nx, 0, nx.length);
        }
        try (DeviceClient device = connect(imei); DeviceClient other = connect(device(officePolicy))) {
            device.sendFrame(edges);
            other.sendFrame(Drives.driving(T0, 2));
            assertEquals(3, device.readAck());
            assertEquals(2, other.readAck());
        }
        rows(imei); // none waits sealed
        assertEquals("255 -1810000000 910000000 -32768 65535 255 50 " + Long.MIN_VALUE + " " + Long.MAX_VALUE
                + " 0 60000 42|255 -1810000000 910000000 -32768 65535 255 50 " + Long.MIN_VALUE + " "
                + Long.MAX_VALUE + " 0 1 42|255 -1810000000 910000000 -32768 65535 255 65535 " + Long.MIN_VALUE + " "
                + Long.MAX_VALUE + " 0 1 42", storedEdges(imei));
    }

    /** The fields of the device's rows that {@link #valuesAtTheEdgesOfTheWireAreStoredAsSentAndAcknowledged} sets. */
    private String storedEdges(long imei) throws Exception {
        StringBuilder out = new StringBuilder();
        try (java.sql.Connection c = gateway.dataSource().getConnection();
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT priority, longitude, latitude, altitude, angle & 65535,"
                     + " satellites, speed, io FROM positions WHERE imei = " + imei + " ORDER BY device_time")) {
            while (rs.next()) {
                if (!out.isEmpty()) {
                    out.append('|');
                }
                for (int i = 1; i <= 7; i++) {
                    out.append(rs.getLong(i)).append(' ');
                }
                List<String> io = new java.util.ArrayList<>();
                dev.telemask.storage.IoElementsFormat.decode(rs.getBytes(8),
                        new dev.telemask.storage.IoElementsFormat.Visitor() {
                            @Override
                            public void fixed(int id, int width, long value) {
                                if (id > 65_000) {
                                    io.add(String.valueOf(value));
                                }
                            }

                            @Override
                            public void variable(int id, byte[] src, int offset, int length) {
                                io.add(length + (length == 0 ? "" : " " + src[offset + length - 1]));
                            }
                        });
                out.append(String.join(" ", io));
            }
        }
        return out.toString();
    }

    @Test
    void refusesAnUnknownDevice() throws Exception {
        try (DeviceClient device = new DeviceClient(gateway.devicePort())) {
            assertEquals(TcpAvlCodec.HANDSHAKE_REJECTED, device.handshake(359_999_999_999_999L));
            assertTrue(device.closedByGateway());
        }
    }

    @Test
    void refusesAnImeiThatIsNotFifteenDigits() throws Exception {
        try (DeviceClient device = new DeviceClient(gateway.devicePort())) {
            device.send(new byte[] {0, 15, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'});
            assertEquals(0, device.readAckByte());
            assertTrue(device.closedByGateway());
        }
    }

    @Test
    void aFrameWithABadCrcIsDroppedUnacknowledged() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connect(imei)) {
            byte[] corrupt = DeviceClient.frame(Drives.driving(T0, 2));
            corrupt[corrupt.length - 1] ^= 0x55;
            device.send(corrupt);
            device.sendFrame(Drives.driving(T0 + 3_600_000, 5));
            assertEquals(5, device.readAck(), "the first acknowledgement is the good frame's");
            assertEquals(5, count(imei));
        }
    }

    @Test
    void aHostileLengthClosesThatConnectionOnly() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient hostile = connect(imei)) {
            hostile.send(new byte[] {0, 0, 0, 0, (byte) 0x80, 0, 0, 0});
            assertTrue(hostile.closedByGateway());
        }
        try (DeviceClient wellBehaved = connect(device(officePolicy))) {
            wellBehaved.sendFrame(Drives.driving(T0, 1));
            assertEquals(1, wellBehaved.readAck());
        }
    }

    @Test
    void aPrivateTripIsStoredWithoutAnythingThatLocatesIt() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connect(imei)) {
            device.sendFrame(Drives.privateMode(T0, 4));
            assertEquals(4, device.readAck());
        }
        List<StoredRow> rows = rows(imei);
        assertEquals(4, rows.size());
        for (StoredRow row : rows) {
            assertEquals(2, row.treatment(), "PRIVATE");
            assertEquals(null, row.longitude());
            assertEquals(null, row.latitude());
            assertEquals(null, row.speed());
            assertFalse(row.io().contains(Drives.GSM_CELL_ID), "a cell ID locates the vehicle");
            assertTrue(row.io().contains(16), "the odometer stays for the mileage log");
        }
    }

    @Test
    void aRestrictedDeviceIsAcknowledgedAndNothingStored() throws Exception {
        long imei = device(officePolicy);
        execute("UPDATE devices SET restricted = true WHERE imei = " + imei);
        try (DeviceClient device = connect(imei)) {
            device.sendFrame(Drives.driving(T0, 3));
            assertEquals(3, device.readAck());
        }
        assertEquals(0, count(imei));
    }

    @Test
    void aPolicyChangeReachesAConnectedDevice() throws Exception {
        long policy = policy("changing", OPEN_POLICY);
        long imei = device(policy);
        try (DeviceClient device = connect(imei)) {
            device.sendFrame(Drives.driving(T0, 1));
            assertEquals(1, device.readAck());
            assertEquals(0, rows(imei).get(0).treatment(), "EXACT under the first version");
            execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy
                    + ", 2, '{\"version\": 2, \"consent\": {\"location\": false, \"driverIdentity\": false, \"telemetry\": false}}', 'test')");
            // The change travels by NOTIFY; each frame shows whether it has arrived.
            long deadline = System.nanoTime() + 30_000_000_000L;
            int frame = 1;
            int treatment = 0;
            while (treatment != 2 && System.nanoTime() < deadline) {
                device.sendFrame(Drives.driving(T0 + frame * 60_000L, 1));
                assertEquals(1, device.readAck());
                List<StoredRow> rows = rows(imei);
                treatment = rows.get(rows.size() - 1).treatment();
                frame++;
            }
            assertEquals(2, treatment, "without location consent every record is private");
        }
    }

    @Test
    void aNewerConnectionOfTheSameDeviceWins() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient older = connect(imei); DeviceClient newer = connect(imei)) {
            assertTrue(older.closedByGateway());
            newer.sendFrame(Drives.driving(T0, 2));
            assertEquals(2, newer.readAck());
        }
    }

    @Test
    void aPrivateTripStaysPrivateAcrossAReconnect() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connect(imei)) {
            device.sendFrame(Drives.privateMode(T0, 2)); // the trip starts private
            assertEquals(2, device.readAck());
        }
        try (DeviceClient device = connect(imei)) {
            device.sendFrame(Drives.driving(T0 + 120_000, 2)); // same trip, the button released
            assertEquals(2, device.readAck());
        }
        assertEquals(List.of(2, 2, 2, 2), rows(imei).stream().map(StoredRow::treatment).toList(),
                "the saved trip state kept the rest of the trip private");
    }

    @Test
    void aUdpDatagramIsAcknowledgedAfterItsRecordsAreStored() throws Exception {
        long imei = device(officePolicy);
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeUdpDatagram(Drives.driving(T0, 3), AvlCodecId.CODEC_8E, 0xCAFE, 7, imei, buf);
        byte[] datagram = ByteBufUtil.getBytes(buf);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(1_000);
            byte[] ack = null;
            // Like a device, resend until acknowledged: the first datagram of an unknown sender waits for its look-up.
            for (int attempt = 0; attempt < 30 && ack == null; attempt++) {
                socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), gateway.udpPort()));
                DatagramPacket reply = new DatagramPacket(new byte[16], 16);
                try {
                    socket.receive(reply);
                    ack = java.util.Arrays.copyOf(reply.getData(), reply.getLength());
                } catch (SocketTimeoutException e) {
                    // not yet
                }
            }
            assertEquals("0005cafe010703", ack == null ? "none" : ByteBufUtil.hexDump(ack));
        }
        assertEquals(3, count(imei));
    }
}
