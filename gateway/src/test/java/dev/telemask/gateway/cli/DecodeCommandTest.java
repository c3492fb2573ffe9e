package dev.telemask.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The decode command's exact output format. */
class DecodeCommandTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private int decode(String input) throws IOException {
        return DecodeCommand.run(new BufferedReader(new StringReader(input)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOneJsonObjectPerRecordWithTheDocumentedKeys() throws IOException {
        int status = decode("""
                # Codec 8, Teltonika's first example
                000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF

                000000000000005F10020000016BDBC7833000000000000000000000000000000000000B05040200010000030002000B00270042563A00000000016BDBC7871800000000000000000000000000000000000B05040200010000030002000B00260042563A00000200005FB3
                """);
        assertEquals(0, status);
        assertEquals("""
                {"frame":0,"codec":"8","timestamp":"2019-06-10T10:04:46.000Z","priority":1,"lon":0,"lat":0,"altitude":0,"angle":0,"satellites":0,"speed":0,"eventIo":1,"generation":null,"io":{"21":3,"1":1,"66":24079,"241":24602,"78":"0"}}
                {"frame":1,"codec":"16","timestamp":"2019-07-10T12:06:54.000Z","priority":0,"lon":0,"lat":0,"altitude":0,"angle":0,"satellites":0,"speed":0,"eventIo":11,"generation":5,"io":{"1":0,"3":0,"11":39,"66":22074}}
                {"frame":1,"codec":"16","timestamp":"2019-07-10T12:06:55.000Z","priority":0,"lon":0,"lat":0,"altitude":0,"angle":0,"satellites":0,"speed":0,"eventIo":11,"generation":5,"io":{"1":0,"3":0,"11":38,"66":22074}}
                """, output());
    }

    @Test
    void printsCoordinatesEightByteAndVariableLengthValues() throws IOException {
        int status = decode("00000000000000A98E020000017357633410000F0DC39B2095964A00AC00F80B00000000000B000500F00100150400C800004501007156000500B5000500B600040018000000430FE00044011B000100F10000601B000000000000017357633BE1000F0DC39B2095964A00AC00F80B000001810001000000000000000000010181002D11213102030405060708090A0B0C0D0E0F104545010ABC212102030405060708090A0B0C0D0E0F10020B010AAD020000BF30\n");
        assertEquals(0, status);
        String[] lines = output().split("\n");
        assertEquals(2, lines.length);
        assertEquals("{\"frame\":0,\"codec\":\"8E\",\"timestamp\":\"2020-07-16T11:29:48.001Z\",\"priority\":0,\"lon\":25.2560283,\"lat\":54.667425,"
                + "\"altitude\":172,\"angle\":248,\"satellites\":11,\"speed\":0,\"eventIo\":385,\"generation\":null,"
                + "\"io\":{\"385\":\"11213102030405060708090a0b0c0d0e0f104545010abc212102030405060708090a0b0c0d0e0f10020b010aad\"}}", lines[1]);
    }

    @Test
    void reportsAFailedFrameAndGoesOn() throws IOException {
        int status = decode("""
                000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CE
                xyz
                000000000000002808010000016B40D9AD80010000000000000000000000000000000103021503010101425E100000010000F22A
                """);
        assertEquals(1, status);
        String[] lines = output().split("\n");
        assertEquals("{\"frame\":0,\"error\":\"CRC_MISMATCH\",\"offset\":62}", lines[0]);
        assertEquals("{\"frame\":1,\"error\":\"BAD_HEX\",\"offset\":1}", lines[1]);
        assertEquals(true, lines[2].startsWith("{\"frame\":2,\"codec\":\"8\",\"timestamp\":\"2019-06-10T10:05:36.000Z\""));
    }

    @Test
    void degreesPrintWithoutTrailingZeros() {
        assertEquals("25.4", RecordJson.degrees(254_000_000));
        assertEquals("-180", RecordJson.degrees(-1_800_000_000));
        assertEquals("0.0000001", RecordJson.degrees(1));
        assertEquals("0", RecordJson.degrees(0));
    }
}
