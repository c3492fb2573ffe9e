package dev.telemask.gateway.cli;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlDecoder;
import dev.telemask.codec.CodecException;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code telemask decode [FILE]}: reads hex-encoded TCP AVL frames, one per line, and prints each record as a JSON
 * line, or one error line per frame that fails. Blank lines and lines starting with {@code #} are skipped.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode hex-encoded Teltonika TCP frames (one per line) to NDJSON, one line per record or"
                + " per failing frame.")
final class DecodeCommand implements Callable<Integer> {
    /** A line that is not an even number of hex digits. */
    static final String BAD_HEX = "BAD_HEX";

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "the frames (default, or '-': standard input)")
    Path file;

    @Override
    public Integer call() throws IOException {
        try (BufferedReader in = file != null && !file.toString().equals("-")
                ? Files.newBufferedReader(file, StandardCharsets.US_ASCII)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            return run(in, main.out);
        }
    }

    /** Returns the exit status: 0 when every frame decoded, 1 otherwise. */
    static int run(BufferedReader in, PrintStream out) throws IOException {
        AvlBatch batch = new AvlBatch();
        StringBuilder line = new StringBuilder(512);
        int frame = 0;
        boolean failed = false;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
            String hex = text.strip();
            if (hex.isEmpty() || hex.startsWith("#")) {
                continue;
            }
            line.setLength(0);
            try {
                AvlDecoder.decodeTcpFrame(Unpooled.wrappedBuffer(parseHex(hex)), batch);
                for (int r = 0; r < batch.size(); r++) {
                    RecordJson.append(line, frame, batch, r);
                    line.append('\n');
                }
            } catch (CodecException e) {
                failed = true;
                RecordJson.appendError(line, frame, e.reason().name(), e.offset());
                line.append('\n');
            } catch (BadHex e) {
                failed = true;
                RecordJson.appendError(line, frame, BAD_HEX, e.offset);
                line.append('\n');
            }
            out.print(line);
            frame++;
        }
        out.flush();
        return failed ? 1 : 0;
    }

    private static byte[] parseHex(String hex) {
        String digits = hex.replace(" ", "");
        if ((digits.length() & 1) != 0) {
            throw new BadHex(digits.length() / 2);
        }
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            int hi = Character.digit(digits.charAt(2 * i), 16);
            int lo = Character.digit(digits.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new BadHex(i);
            }
            bytes[i] = (byte) ((hi << 4) | lo);
        }
        return bytes;
    }

    /** A line that is not hex, with the offset of the byte that could not be read. */
    private static final class BadHex extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int offset;

        BadHex(int offset) {
            super(null, null, false, false);
            this.offset = offset;
        }
    }
}
