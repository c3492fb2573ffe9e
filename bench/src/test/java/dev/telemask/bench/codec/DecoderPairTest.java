package dev.telemask.bench.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DecoderPair} runs each build's own codec classes, never the bench's, and reports every build per benchmark.
 */
class DecoderPairTest {
    private static Path codecBuild() throws Exception {
        return Path.of(AvlBatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void everyBenchmarkReportsEveryBuildAgainstTheFirst() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path build = codecBuild();
        DecoderPair.run(List.of(build, build), 10, 2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3 * DecoderPair.BENCHMARKS.size(), lines.size(), String.join("\n", lines));
        for (int b = 0; b < DecoderPair.BENCHMARKS.size(); b++) {
            assertTrue(lines.get(3 * b).startsWith(DecoderPair.BENCHMARKS.get(b) + ", ns/record over 10 samples of 2"
                    + " frames"), lines.get(3 * b));
            assertTrue(lines.get(3 * b + 1).contains(build.toString()), lines.get(3 * b + 1));
            assertTrue(lines.get(3 * b + 2).contains("of the first at the 10th percentile"), lines.get(3 * b + 2));
        }
    }

    @Test
    void aBuildWithoutTheCodecFailsInsteadOfFallingBackOnTheBenchsOwnCodec(@TempDir Path empty) throws Exception {
        Throwable failure = assertThrows(Throwable.class, () -> DecoderPair.run(List.of(codecBuild(), empty), 1, 1,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        while (failure.getCause() != null) {
            failure = failure.getCause();
        }
        assertTrue(failure instanceof ClassNotFoundException || failure instanceof NoClassDefFoundError,
                failure.toString());
        String missing = failure.getMessage().replace('/', '.');
        assertTrue(missing.contains("dev.telemask.codec"), failure.getMessage());
    }
}
