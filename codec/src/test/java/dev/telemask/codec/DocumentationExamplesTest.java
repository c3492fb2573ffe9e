package dev.telemask.codec;

import static dev.telemask.codec.Batches.assertBytes;
import static dev.telemask.codec.Batches.elements;
import static dev.telemask.codec.Batches.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Every example packet of Teltonika's protocol documentation ("Codec" and "Teltonika Data Sending Protocols"),
 * with every decoded field asserted.
 */
class DocumentationExamplesTest {
    private final AvlBatch batch = new AvlBatch();

    private void decode(String frameHex) {
        AvlDecoder.decodeTcpFrame(hex(frameHex), batch);
    }

    private void assertRecord(int r, String timestamp, int priority, int lon, int lat, int alt, int angle, int sats,
                              int speed, int eventIo, int generation, String io) {
        assertEquals(Instant.parse(timestamp).toEpochMilli(), batch.timestamp(r), "timestamp");
        assertEquals(priority, batch.priority(r), "priority");
        assertEquals(lon, batch.longitude(r), "longitude");
        assertEquals(lat, batch.latitude(r), "latitude");
        assertEquals(alt, batch.altitude(r), "altitude");
        assertEquals(angle, batch.angle(r), "angle");
        assertEquals(sats, batch.satellites(r), "satellites");
        assertEquals(speed, batch.speed(r), "speed");
        assertEquals(eventIo, batch.eventIo(r), "event IO");
        assertEquals(generation, batch.generation(r), "generation");
        assertEquals(io, elements(batch, r), "IO elements");
    }

    @Test
    void handshake() {
        ByteBuf in = hex("000F333536333037303432343431303133");
        assertEquals(356_307_042_441_013L, new TcpFrameSplitter(1024).readHandshake(in));
        assertEquals(0, in.readableBytes());
    }

    @Test
    void codec8FirstExampleHasEveryWidth() {
        decode("000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF");
        assertEquals(AvlCodecId.CODEC_8, batch.codec());
        assertEquals(1, batch.size());
        assertRecord(0, "2019-06-10T10:04:46Z", 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION,
                "21/1=3 1/1=1 66/2=24079 241/4=24602 78/8=0 ");
    }

    @Test
    void codec8SecondExample() {
        decode("000000000000002808010000016B40D9AD80010000000000000000000000000000000103021503010101425E100000010000F22A");
        assertEquals(1, batch.size());
        assertRecord(0, "2019-06-10T10:05:36Z", 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION, "21/1=3 1/1=1 66/2=24080 ");
    }

    @Test
    void codec8ThirdExampleHasTwoRecords() {
        decode("000000000000004308020000016B40D57B480100000000000000000000000000000001010101000000000000016B40D5C198010000000000000000000000000000000101010101000000020000252C");
        assertEquals(2, batch.size());
        assertRecord(0, "2019-06-10T10:01:01Z", 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION, "1/1=0 ");
        assertRecord(1, "2019-06-10T10:01:19Z", 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION, "1/1=1 ");
    }

    @Test
    void codec8Extended() {
        decode("000000000000004A8E010000016B412CEE000100000000000000000000000000000000010005000100010100010011001D00010010015E2C880002000B000000003544C87A000E000000001DD7E06A00000100002994");
        assertEquals(AvlCodecId.CODEC_8E, batch.codec());
        assertEquals(1, batch.size());
        assertRecord(0, "2019-06-10T11:36:32Z", 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION,
                "1/1=1 17/2=29 16/4=22949000 11/8=893700218 14/8=500686954 ");
    }

    /** Not from Teltonika's pages: the only public 8E sample with a variable-length (beacon) element. */
    @Test
    void codec8ExtendedWithVariableLengthBeaconElement() {
        decode("00000000000000A98E020000017357633410000F0DC39B2095964A00AC00F80B00000000000B000500F00100150400C800004501007156000500B5000500B600040018000000430FE00044011B000100F10000601B000000000000017357633BE1000F0DC39B2095964A00AC00F80B000001810001000000000000000000010181002D11213102030405060708090A0B0C0D0E0F104545010ABC212102030405060708090A0B0C0D0E0F10020B010AAD020000BF30");
        assertEquals(2, batch.size());
        assertRecord(0, "2020-07-16T11:29:46Z", 0, 252_560_283, 546_674_250, 172, 248, 11, 0, 0, AvlBatch.NO_GENERATION,
                "240/1=1 21/1=4 200/1=0 69/1=1 113/1=86 181/2=5 182/2=4 24/2=0 67/2=4064 68/2=283 241/4=24603 ");
        assertRecord(1, "2020-07-16T11:29:48.001Z", 0, 252_560_283, 546_674_250, 172, 248, 11, 0, 385, AvlBatch.NO_GENERATION,
                "385/0=11213102030405060708090a0b0c0d0e0f104545010abc212102030405060708090a0b0c0d0e0f10020b010aad ");
    }

    @Test
    void codec16CarriesGenerationType() {
        decode("000000000000005F10020000016BDBC7833000000000000000000000000000000000000B05040200010000030002000B00270042563A00000000016BDBC7871800000000000000000000000000000000000B05040200010000030002000B00260042563A00000200005FB3");
        assertEquals(AvlCodecId.CODEC_16, batch.codec());
        assertEquals(2, batch.size());
        assertRecord(0, "2019-07-10T12:06:54Z", 0, 0, 0, 0, 0, 0, 0, 11, 5, "1/1=0 3/1=0 11/2=39 66/2=22074 ");
        assertRecord(1, "2019-07-10T12:06:55Z", 0, 0, 0, 0, 0, 0, 0, 11, 5, "1/1=0 3/1=0 11/2=38 66/2=22074 ");
    }

    @Test
    void udpCodec8DatagramAndItsAcknowledgement() {
        UdpAvlCodec.Header header = new UdpAvlCodec.Header();
        UdpAvlCodec.decode(hex("003DCAFE0105000F33353230393330383634303336353508010000016B4F815B30010000000000000000000000000000000103021503010101425DBC000001"), header, batch);
        assertEquals(0xCAFE, header.packetId());
        assertEquals(5, header.avlPacketId());
        assertEquals(352_093_086_403_655L, header.imei());
        assertEquals(1, batch.size());
        assertRecord(0, "2019-06-13T06:23:26Z", 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION, "21/1=3 1/1=1 66/2=23996 ");
        ByteBuf ack = Unpooled.buffer();
        UdpAvlCodec.encodeAck(header.packetId(), header.avlPacketId(), batch.size(), ack);
        assertBytes("0005CAFE010501", ack);
    }

    @Test
    void udpCodec8ExtendedDatagram() {
        UdpAvlCodec.Header header = new UdpAvlCodec.Header();
        UdpAvlCodec.decode(hex("005FCAFE0107000F3335323039333038363430333635358E010000016B4F831C680100000000000000000000000000000000010005000100010100010011009D00010010015E2C880002000B000000003544C87A000E000000001DD7E06A000001"), header, batch);
        assertEquals(7, header.avlPacketId());
        assertEquals(352_093_086_403_655L, header.imei());
        assertRecord(0, "2019-06-13T06:25:21Z", 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION,
                "1/1=1 17/2=157 16/4=22949000 11/8=893700218 14/8=500686954 ");
    }

    /** The documentation's Codec 16 datagram has a length field of 0x015B over 72 bytes; the corrected copy. */
    @Test
    void udpCodec16Datagram() {
        UdpAvlCodec.Header header = new UdpAvlCodec.Header();
        UdpAvlCodec.decode(hex("0048CAFE0107000F33353230393430383532333135393210010000015117E40FE80000000000000000000000000000000000EF05050400010000030000B40000EF01010042111A000001"), header, batch);
        assertEquals(352_094_085_231_592L, header.imei());
        assertRecord(0, "2015-11-18T00:00:01Z", 0, 0, 0, 0, 0, 0, 0, 239, 5, "1/1=0 3/1=0 180/1=0 239/1=1 66/2=4378 ");
        CodecException e = assertThrows(CodecException.class, () -> UdpAvlCodec.decode(hex("015BCAFE0101000F33353230393430383532333135393210010000015117E40FE80000000000000000000000000000000000EF05050400010000030000B40000EF01010042111A000001"), header, batch));
        assertEquals(CodecException.Reason.BAD_LENGTH, e.reason());
    }

    @Test
    void codec12CommandEncodesExactlyAsDocumented() {
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(CommandMessage.command("getinfo"), out);
        assertBytes("000000000000000F0C010500000007676574696E666F0100004312", out);
        out.clear();
        CommandCodec.encode(CommandMessage.command("getio"), out);
        assertBytes("000000000000000D0C010500000005676574696F01000000CB", out);
    }

    @Test
    void codec12Responses() {
        CommandMessage info = CommandCodec.decode(hex("00000000000000900C010600000088494E493A323031392F372F323220373A3232205254433A323031392F372F323220373A3533205253543A32204552523A312053523A302042523A302043463A302046473A3020464C3A302054553A302F302055543A3020534D533A30204E4F4750533A303A3330204750533A31205341543A302052533A332052463A36352053463A31204D443A30010000C78F"));
        assertEquals(CommandMessage.CODEC_12, info.codec());
        assertEquals(CommandMessage.TYPE_RESPONSE, info.type());
        assertEquals("INI:2019/7/22 7:22 RTC:2019/7/22 7:53 RST:2 ERR:1 SR:0 BR:0 CF:0 FG:0 FL:0 TU:0/0 UT:0 SMS:0 NOGPS:0:30 GPS:1 SAT:0 RS:3 RF:65 SF:1 MD:0", info.text());
        assertEquals(-1, info.imei());
        assertNull(info.timestamp());
        CommandMessage io = CommandCodec.decode(hex("00000000000000370C01060000002F4449313A31204449323A30204449333A302041494E313A302041494E323A313639323420444F313A3020444F323A3101000066E3"));
        assertEquals("DI1:1 DI2:0 DI3:0 AIN1:0 AIN2:16924 DO1:0 DO2:1", io.text());
    }

    @Test
    void codec12CommandDecodes() {
        CommandMessage command = CommandCodec.decode(hex("000000000000000F0C010500000007676574696E666F0100004312"));
        assertEquals(CommandMessage.command("getinfo"), command);
    }

    /**
     * Codec 13 carries a 4-byte UNIX timestamp counted in its size field, as the documentation's field table says.
     * (The documentation's hex stream disagrees with its own table; this is the stream re-built to the table.)
     */
    @Test
    void codec13ResponseWithTimestamp() {
        CommandMessage m = CommandCodec.decode(hex("00000000000000130D01050000000B0A81C320676574696E666F010000ED9B"));
        assertEquals(CommandMessage.CODEC_13, m.codec());
        assertEquals(CommandMessage.TYPE_COMMAND, m.type());
        assertEquals(Instant.ofEpochSecond(0x0A81C320L), m.timestamp());
        assertEquals("getinfo", m.text());
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(m, out);
        assertBytes("00000000000000130D01050000000B0A81C320676574696E666F010000ED9B", out);
    }

    @Test
    void codec14CommandAddressedByImei() {
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(CommandMessage.command(352_093_081_452_251L, "getver"), out);
        assertBytes("00000000000000160E01050000000E0352093081452251676574766572010000D2C1", out);
        assertEquals(CommandMessage.command(352_093_081_452_251L, "getver"), CommandCodec.decode(out));
    }

    @Test
    void codec14Acknowledgement() {
        CommandMessage ack = CommandCodec.decode(hex("00000000000000AB0E0106000000A303520930814522515665723A30332E31382E31345F3034204750533A41584E5F352E31305F333333332048773A464D42313230204D6F643A313520494D45493A33353230393330383134353232353120496E69743A323031382D31312D323220373A313320557074696D653A3137323334204D41433A363042444430303136323631205350433A312830292041584C3A30204F42443A3020424C3A312E362042543A340100007AAE"));
        assertEquals(CommandMessage.CODEC_14, ack.codec());
        assertEquals(CommandMessage.TYPE_RESPONSE, ack.type());
        assertEquals(352_093_081_452_251L, ack.imei());
        assertEquals("Ver:03.18.14_04 GPS:AXN_5.10_3333 Hw:FMB120 Mod:15 IMEI:352093081452251 Init:2018-11-22 7:13 Uptime:17234 MAC:60BDD0016261 SPC:1(0) AXL:0 OBD:0 BL:1.6 BT:4", ack.text());
    }

    /** The documentation's nACK example carries the CRC of another IMEI; a strict decoder refuses it. */
    @Test
    void codec14NegativeAcknowledgement() {
        CodecException e = assertThrows(CodecException.class,
                () -> CommandCodec.decode(hex("00000000000000100E011100000008035209308145246801000032AC")));
        assertEquals(CodecException.Reason.CRC_MISMATCH, e.reason());
        assertEquals(24, e.offset());
        CommandMessage nack = CommandCodec.decode(hex("00000000000000100E0111000000080352093081452468010000635E"));
        assertEquals(CommandMessage.TYPE_NACK, nack.type());
        assertEquals(352_093_081_452_468L, nack.imei());
        assertEquals("", nack.text());
    }
}
